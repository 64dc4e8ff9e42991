// Jinja2's built-in filters that chat templates use, with Jinja 3.1's semantics (and transformers' tojson).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "text/jinja/builtins.h"
#include "text/jinja/filter_support.h"
#include "text/jinja/methods.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

Value filterDefault(const Value& v, const Args& a) {
    const bool boolean = a.get(1, "boolean", Value::boolean(false)).truthy();
    if (v.isUndefined() || (boolean && !v.truthy())) return a.get(0, "default_value", Value::string(""));
    return v;
}

// Python attributes only (methods, namespace fields): unlike object.name, never a dict's item.
Value filterAttr(const Value& v, const Args& a) {
    const std::string name = toStr(a.get(0, "name"));
    if (v.isDict()) {
        Value method;
        return findMethod(v, name, method) ? method : Value::undefined("'dict object' has no attribute '" + name + "'");
    }
    return getAttribute(v, name);
}

Value filterFirst(const Value& v, const Args&) {
    const std::vector<Value> items = iterate(v);
    return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value filterLast(const Value& v, const Args&) {
    const std::vector<Value> items = iterate(v);
    return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value filterJoin(const Value& v, const Args& a) {
    const Value attribute = a.get(1, "attribute", Value::none());
    std::vector<std::string> parts;
    for (const auto& item : iterate(v)) parts.push_back(toStr(attribute.isNone() ? item : attributePath(item, attribute)));
    return Value::string(joinStrings(parts, toStr(a.get(0, "d", Value::string("")))));
}

Value filterInt(const Value& v, const Args& a) {
    const Value fallback = a.get(0, "default", Value::integer(0));
    const int64_t base = toIndex(a.get(1, "base", Value::integer(10)), "base");
    if (v.isNumber()) return v.isFloat() ? (std::isfinite(v.asDouble()) ? Value::integer(int64_t(v.asDouble())) : fallback)
                                          : Value::integer(v.asInt());
    if (!v.isString()) return fallback;
    std::string s = pythonStrip(v.asString(), true, true);
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(s.c_str(), &end, int(base));
    if (!s.empty() && *end == 0 && errno == 0) return Value::integer(i);
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == 0 && std::isfinite(d)) return Value::integer(int64_t(d));
    return fallback;
}

Value filterFloat(const Value& v, const Args& a) {
    if (v.isNumber()) return Value::number(v.asDouble());
    if (v.isString()) {
        const std::string s = pythonStrip(v.asString(), true, true);
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && *end == 0 && s.find_first_of("xXpP") == std::string::npos) return Value::number(d);
    }
    return a.get(0, "default", Value::number(0.0));
}

Value filterRound(const Value& v, const Args& a) {
    const int64_t precision = toIndex(a.get(0, "precision", Value::integer(0)), "precision");
    const std::string method = toStr(a.get(1, "method", Value::string("common")));
    if (!v.isNumber()) fail("round: expected a number, got '" + std::string(v.typeName()) + "'");
    if (method == "common") return v.isFloat() ? Value::number(pythonRound(v.asDouble(), int(precision))) : Value::integer(v.asInt());
    if (method != "ceil" && method != "floor") fail("method must be common, ceil or floor");
    const double scale = std::pow(10.0, double(precision));
    const double scaled = v.asDouble() * scale;
    return Value::number((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

Value filterAbs(const Value& v, const Args&) {
    if (v.isFloat()) return Value::number(std::fabs(v.asDouble()));
    if (v.isNumber()) return Value::integer(std::llabs(v.asInt()));
    fail(std::string("bad operand type for abs(): '") + v.typeName() + "'");
}

Value filterReplace(const Value& v, const Args& a) {
    const Value count = a.get(2, "count", Value::none());
    Args methodArgs;
    methodArgs.positional = {Value::string(toStr(a.get(0, "old"))), Value::string(toStr(a.get(1, "new"))),
                             count.isNone() ? Value::integer(-1) : count};
    return callValue(getAttribute(Value::string(toStr(v)), "replace"), methodArgs);
}

Value filterTrim(const Value& v, const Args& a) {
    const Value chars = a.get(0, "chars", Value::none());
    if (chars.isNone()) return Value::string(pythonStrip(toStr(v), true, true));
    const std::string set = toStr(chars);
    return Value::string(pythonStrip(toStr(v), true, true, &set));
}

// Jinja's title: words start after "-", whitespace or an opening bracket; the rest of each word is lowered.
Value filterTitle(const Value& v, const Args&) {
    const std::u32string cs = decodeUtf8(toStr(v));
    std::u32string out;
    bool wordStart = true;
    for (char32_t c : cs) {
        const bool separator = c == '-' || pythonIsSpace(c) || c == '(' || c == '{' || c == '[' || c == '<';
        out.push_back(separator ? c : wordStart ? toUpper(c) : toLower(c));
        wordStart = separator;
    }
    return Value::string(encodeUtf8(out));
}

Value filterIndent(const Value& v, const Args& a) {
    const Value width = a.get(0, "width", Value::integer(4));
    const std::string indentation = width.isString() ? width.asString() : std::string(size_t(std::max<int64_t>(0, toIndex(width, "width"))), ' ');
    const bool first = a.get(1, "first", Value::boolean(false)).truthy();
    const bool blank = a.get(2, "blank", Value::boolean(false)).truthy();
    Args noArgs;
    std::vector<Value> lines = callValue(getAttribute(Value::string(toStr(v) + "\n"), "splitlines"), noArgs).items();
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i].asString();
        if (i > 0) out += "\n" + ((blank || !line.empty()) ? indentation : "");
        out += line;
    }
    return Value::string(first ? indentation + out : out);
}

Value filterToJson(const Value& v, const Args& a) {
    JsonOptions options;
    options.ensureAscii = a.get(0, "ensure_ascii", Value::boolean(false)).truthy();
    options.indent = a.get(1, "indent", Value::none());
    const Value separators = a.get(2, "separators", Value::none());
    if (!separators.isNone()) {
        if (!separators.isSequence() || separators.items().size() != 2) fail("tojson: separators must be a pair of strings");
        options.itemSeparator = toStr(separators.items()[0]);
        options.keySeparator = toStr(separators.items()[1]);
        options.separatorsGiven = true;
    }
    options.sortKeys = a.get(3, "sort_keys", Value::boolean(false)).truthy();
    return Value::string(toJson(v, options));
}

Value filterItems(const Value& v, const Args&) {
    if (v.isUndefined()) return Value::generator({});
    if (!v.isDict()) fail("Can only get item pairs from a mapping.");
    return Value::generator(callValue(getAttribute(v, "items"), Args{}).items());
}

Value filterEscape(const Value& v, const Args&) {
    std::string out;
    for (char c : toStr(v)) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return Value::string(out);
}

Value filterWordcount(const Value& v, const Args&) {
    int64_t words = 0;
    bool inWord = false;
    for (char32_t c : decodeUtf8(toStr(v))) {
        const bool wordChar = c == '_' || (c >= '0' && c <= '9') || isCased(c) ||
                              (c >= 0x80 && !pythonIsSpace(c) && !(c >= 0x2000 && c <= 0x206F) && !(c >= 0x3000 && c <= 0x303F));
        words += wordChar && !inWord;
        inWord = wordChar;
    }
    return Value::integer(words);
}

Value filterReverse(const Value& v, const Args&) {
    if (v.isString()) {
        std::u32string cs = decodeUtf8(v.asString());
        return Value::string(encodeUtf8(std::u32string(cs.rbegin(), cs.rend())));
    }
    std::vector<Value> items = iterate(v);
    return Value::generator(std::vector<Value>(items.rbegin(), items.rend()));
}

Value filterSum(const Value& v, const Args& a) {
    const Value attribute = a.get(0, "attribute", Value::none());
    Value total = a.get(1, "start", Value::integer(0));
    for (const auto& item : iterate(v)) total = binaryOperation("+", total, attribute.isNone() ? item : attributePath(item, attribute));
    return total;
}

Value filterFormat(const Value& v, const Args& a) {
    if (!a.named.empty()) fail("format: keyword arguments are not supported");
    return binaryOperation("%", Value::string(toStr(v)), Value::tuple(a.positional));
}

Value stringFilter(const Value& v, std::string (*f)(const std::string&)) { return Value::string(f(toStr(v))); }

using Filter = Value (*)(const Value&, const Args&);

const std::map<std::string, Filter>& filters() {
    static const std::map<std::string, Filter> table = {
        {"abs", filterAbs},
        {"attr", filterAttr},
        {"capitalize", [](const Value& v, const Args&) { return stringFilter(v, capitalize); }},
        {"count", [](const Value& v, const Args&) { return Value::integer(int64_t(length(v))); }},
        {"d", filterDefault},
        {"default", filterDefault},
        {"dictsort", filterDictsort},
        {"e", filterEscape},
        {"escape", filterEscape},
        {"first", filterFirst},
        {"float", filterFloat},
        {"format", filterFormat},
        {"indent", filterIndent},
        {"int", filterInt},
        {"items", filterItems},
        {"join", filterJoin},
        {"last", filterLast},
        {"length", [](const Value& v, const Args&) { return Value::integer(int64_t(length(v))); }},
        {"list", [](const Value& v, const Args&) { return Value::list(iterate(v)); }},
        {"lower", [](const Value& v, const Args&) { return stringFilter(v, lower); }},
        {"map", filterMap},
        {"max", [](const Value& v, const Args& a) { return filterMinMax(v, a, true); }},
        {"min", [](const Value& v, const Args& a) { return filterMinMax(v, a, false); }},
        {"reject", [](const Value& v, const Args& a) { return filterSelect(v, a, false, false); }},
        {"rejectattr", [](const Value& v, const Args& a) { return filterSelect(v, a, false, true); }},
        {"replace", filterReplace},
        {"reverse", filterReverse},
        {"round", filterRound},
        {"safe", [](const Value& v, const Args&) { return v; }},
        {"select", [](const Value& v, const Args& a) { return filterSelect(v, a, true, false); }},
        {"selectattr", [](const Value& v, const Args& a) { return filterSelect(v, a, true, true); }},
        {"sort", filterSort},
        {"string", [](const Value& v, const Args&) { return Value::string(toStr(v)); }},
        {"sum", filterSum},
        {"title", filterTitle},
        {"tojson", filterToJson},
        {"trim", filterTrim},
        {"unique", filterUnique},
        {"upper", [](const Value& v, const Args&) { return stringFilter(v, upper); }},
        {"wordcount", filterWordcount},
    };
    return table;
}

}  // namespace

bool hasFilter(const std::string& name) { return filters().count(name) != 0; }

Value applyFilter(const std::string& name, const Value& input, const Args& args) {
    const auto it = filters().find(name);
    if (it == filters().end()) fail("no filter named '" + name + "'");
    return it->second(input, args);
}

}  // namespace l1ra::jinja
