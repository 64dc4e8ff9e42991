#include <algorithm>
#include <functional>

#include "text/jinja/builtins.h"
#include "text/jinja/filter_support.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {

Value attributePath(const Value& item, const Value& attribute) {
    if (!attribute.isString()) return getItem(item, attribute);
    Value current = item;
    const std::string& path = attribute.asString();
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool digits = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        current = getItem(current, digits ? Value::integer(std::stoll(part)) : Value::string(part));
        if (dot == std::string::npos) return current;
        start = dot + 1;
    }
}

namespace {

// Jinja compares strings without case unless case_sensitive is set.
Value sortKey(const Value& v, bool caseSensitive) {
    return !caseSensitive && v.isString() ? Value::string(lower(v.asString())) : v;
}

std::function<Value(const Value&)> keyFunction(const Value& attribute, bool caseSensitive, bool multiple) {
    if (attribute.isNone() || attribute.isUndefined())
        return [caseSensitive](const Value& item) { return sortKey(item, caseSensitive); };
    std::vector<Value> attributes{attribute};
    if (multiple && attribute.isString()) {
        attributes.clear();
        const std::string& list = attribute.asString();
        for (size_t start = 0;;) {
            const size_t comma = list.find(',', start);
            attributes.push_back(Value::string(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return [attributes, caseSensitive](const Value& item) {
        if (attributes.size() == 1) return sortKey(attributePath(item, attributes[0]), caseSensitive);
        std::vector<Value> keys;
        for (const auto& a : attributes) keys.push_back(sortKey(attributePath(item, a), caseSensitive));
        return Value::list(keys);
    };
}

std::vector<Value> sortedBy(std::vector<Value> items, const std::function<Value(const Value&)>& key, bool reverse) {
    std::vector<std::pair<Value, Value>> keyed;
    for (auto& item : items) keyed.emplace_back(key(item), item);
    std::stable_sort(keyed.begin(), keyed.end(), [reverse](const auto& a, const auto& b) {
        return reverse ? lessThan(b.first, a.first) : lessThan(a.first, b.first);
    });
    std::vector<Value> out;
    for (auto& entry : keyed) out.push_back(entry.second);
    return out;
}

}  // namespace

Value filterDictsort(const Value& v, const Args& a) {
    if (!v.isDict()) fail(std::string("dictsort: expected a mapping, got '") + v.typeName() + "'");
    const bool caseSensitive = a.get(0, "case_sensitive", Value::boolean(false)).truthy();
    const std::string by = toStr(a.get(1, "by", Value::string("key")));
    if (by != "key" && by != "value") fail("You can only sort by either 'key' or 'value'");
    const bool reverse = a.get(2, "reverse", Value::boolean(false)).truthy();
    std::vector<Value> pairs;
    for (const auto& [key, value] : v.dictData().entries) pairs.push_back(Value::tuple({key, value}));
    const size_t position = by == "key" ? 0 : 1;
    return Value::list(sortedBy(pairs, [&](const Value& p) { return sortKey(p.items()[position], caseSensitive); }, reverse));
}

Value filterSort(const Value& v, const Args& a) {
    const bool reverse = a.get(0, "reverse", Value::boolean(false)).truthy();
    const bool caseSensitive = a.get(1, "case_sensitive", Value::boolean(false)).truthy();
    const Value attribute = a.get(2, "attribute", Value::none());
    return Value::list(sortedBy(iterate(v), keyFunction(attribute, caseSensitive, true), reverse));
}

Value filterUnique(const Value& v, const Args& a) {
    const bool caseSensitive = a.get(0, "case_sensitive", Value::boolean(false)).truthy();
    const auto key = keyFunction(a.get(1, "attribute", Value::none()), caseSensitive, false);
    std::vector<Value> seen, out;
    for (const auto& item : iterate(v)) {
        const Value k = key(item);
        if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, k); })) continue;
        seen.push_back(k);
        out.push_back(item);
    }
    return Value::generator(out);
}

Value filterMinMax(const Value& v, const Args& a, bool max) {
    const bool caseSensitive = a.get(0, "case_sensitive", Value::boolean(false)).truthy();
    const auto key = keyFunction(a.get(1, "attribute", Value::none()), caseSensitive, false);
    const std::vector<Value> items = iterate(v);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    size_t best = 0;
    Value bestKey = key(items[0]);
    for (size_t i = 1; i < items.size(); ++i) {
        const Value k = key(items[i]);
        if (max ? lessThan(bestKey, k) : lessThan(k, bestKey)) best = i, bestKey = k;
    }
    return items[best];
}

Value filterMap(const Value& v, const Args& a) {
    std::vector<Value> out;
    if (a.positional.empty() && a.namedValue("attribute")) {
        const Value attribute = *a.namedValue("attribute");
        const Value fallback = a.get(99, "default", Value::none());
        for (const auto& item : iterate(v)) {
            const Value mapped = attributePath(item, attribute);
            out.push_back(mapped.isUndefined() && !fallback.isNone() ? fallback : mapped);
        }
        return Value::generator(out);
    }
    if (a.positional.empty()) fail("map requires a filter argument");
    const std::string name = toStr(a.positional[0]);
    Args rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.named = a.named;
    for (const auto& item : iterate(v)) out.push_back(applyFilter(name, item, rest));
    return Value::generator(out);
}

Value filterSelect(const Value& v, const Args& a, bool keep, bool byAttribute) {
    const size_t offset = byAttribute ? 1 : 0;
    if (byAttribute && a.positional.empty()) fail("selectattr and rejectattr need an attribute name");
    const bool hasTestName = a.positional.size() > offset;
    const std::string testName = hasTestName ? toStr(a.positional[offset]) : "";
    if (hasTestName && !hasTest(testName)) fail("no test named '" + testName + "'");
    Args testArgs;
    if (hasTestName) testArgs.positional.assign(a.positional.begin() + long(offset) + 1, a.positional.end());
    testArgs.named = a.named;
    std::vector<Value> out;
    for (const auto& item : iterate(v)) {
        const Value subject = byAttribute ? attributePath(item, a.positional[0]) : item;
        const bool passed = hasTestName ? applyTest(testName, subject, testArgs) : subject.truthy();
        if (passed == keep) out.push_back(item);
    }
    return Value::generator(out);
}

}  // namespace l1ra::jinja
