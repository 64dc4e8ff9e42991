#pragma once
// Filters over sequences (sorting, selecting, mapping), kept apart from the string and number filters.
#include "text/jinja/value.h"

namespace l1ra::jinja {

// item.a.b for attribute "a.b" (or an integer index), looked up as Jinja's make_attrgetter does.
Value attributePath(const Value& item, const Value& attribute);

Value filterDictsort(const Value& v, const Args& a);
Value filterSort(const Value& v, const Args& a);
Value filterUnique(const Value& v, const Args& a);
Value filterMinMax(const Value& v, const Args& a, bool max);
Value filterMap(const Value& v, const Args& a);
// select / reject (keep = true / false), or selectattr / rejectattr with byAttribute.
Value filterSelect(const Value& v, const Args& a, bool keep, bool byAttribute);

}  // namespace l1ra::jinja
