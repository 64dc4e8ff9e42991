#pragma once
// What the interpreter does with values: Python's operators, str() and repr(), Jinja's attribute and item access
// (with the sandbox's rules), its filters, tests and global functions. Failures throw RenderFailure; the
// interpreter adds where in the template they happened.
#include <memory>
#include <string>
#include <vector>

#include "text/jinja/value.h"

namespace l1ra::jinja {

// Printing and JSON.
std::string toStr(const Value& v);    // str(v): what {{ v }} prints; undefined prints nothing
std::string toRepr(const Value& v);   // repr(v), as inside a printed list or dict
// json.dumps with transformers' defaults for its tojson filter (ensure_ascii=False, sort_keys=False).
struct JsonOptions {
    bool ensureAscii = false;
    Value indent = Value::none();   // none: one line; an int: that many spaces per level; a string: itself
    std::string itemSeparator, keySeparator = ": ";   // item separator: ", " on one line, "," with an indent
    bool separatorsGiven = false;
    bool sortKeys = false;
};
std::string toJson(const Value& v, const JsonOptions& options);

// Operators.
Value binaryOperation(const std::string& op, const Value& a, const Value& b);   // + - * / // % ** ~
bool compareValues(const std::string& op, const Value& a, const Value& b);      // == != < <= > >= in notin
bool lessThan(const Value& a, const Value& b);                                  // Python's <, TypeError across types
std::vector<Value> iterate(const Value& v);   // list/tuple items, dict keys, string characters; undefined: none
size_t length(const Value& v);                // len(v)

// Access.
Value getAttribute(const Value& object, const std::string& name);   // object.name
Value getItem(const Value& object, const Value& key);               // object[key]
Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step);
Value callValue(const Value& callee, const Args& args);

// Filters and tests by name.
bool hasFilter(const std::string& name);
Value applyFilter(const std::string& name, const Value& input, const Args& args);
bool hasTest(const std::string& name);
bool applyTest(const std::string& name, const Value& input, const Args& args);

// The globals transformers renders with: range, namespace, dict, raise_exception, strftime_now (and Jinja's
// joiner and cycler).
const std::vector<std::pair<std::string, Value>>& globalFunctions();   // built once, shared by every render

// Helpers shared by the files above.
int64_t toIndex(const Value& v, const char* what);   // an int (or bool) or a TypeError naming `what`
std::string joinStrings(const std::vector<std::string>& parts, const std::string& separator);

}  // namespace l1ra::jinja
