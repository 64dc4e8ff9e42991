#include "text/jinja/methods.h"

#include <map>

#include "text/jinja/builtins.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

using Method = Value (*)(const Value& self, const Args& args);

const std::string& textArgument(const Args& args, size_t position, const char* method) {
    if (position >= args.positional.size() || !args.positional[position].isString())
        fail(std::string(method) + "() needs a string argument");
    return args.positional[position].asString();
}

Value optionalChars(const Value& self, const Args& args, bool left, bool right) {
    const Value chars = args.get(0, "chars", Value::none());
    if (chars.isNone()) return Value::string(pythonStrip(self.asString(), left, right));
    if (!chars.isString()) fail("strip arg must be None or str");
    return Value::string(pythonStrip(self.asString(), left, right, &chars.asString()));
}

// str.split / str.rsplit: on runs of whitespace when no separator is given, else on the exact separator.
std::vector<Value> splitText(const std::string& text, const Value& separator, int64_t maxSplit, bool fromRight) {
    std::vector<std::string> parts;
    if (separator.isNone()) {
        std::u32string cs = decodeUtf8(text);
        if (fromRight) cs = std::u32string(cs.rbegin(), cs.rend());
        size_t i = 0;
        while (true) {
            while (i < cs.size() && pythonIsSpace(cs[i])) ++i;
            if (i >= cs.size()) break;
            size_t end = i;
            if (maxSplit >= 0 && int64_t(parts.size()) == maxSplit) {
                end = cs.size();
                while (end > i && pythonIsSpace(cs[end - 1])) --end;
            } else {
                while (end < cs.size() && !pythonIsSpace(cs[end])) ++end;
            }
            std::u32string part = cs.substr(i, end - i);
            if (fromRight) part = std::u32string(part.rbegin(), part.rend());
            parts.push_back(encodeUtf8(part));
            i = end;
        }
        if (fromRight) parts = std::vector<std::string>(parts.rbegin(), parts.rend());
    } else {
        const std::string& sep = separator.asString();
        if (sep.empty()) fail("empty separator");
        std::vector<size_t> cuts;
        for (size_t at = text.find(sep); at != std::string::npos; at = text.find(sep, at + sep.size())) cuts.push_back(at);
        if (maxSplit >= 0 && int64_t(cuts.size()) > maxSplit)
            cuts = fromRight ? std::vector<size_t>(cuts.end() - maxSplit, cuts.end()) : std::vector<size_t>(cuts.begin(), cuts.begin() + maxSplit);
        size_t start = 0;
        for (size_t cut : cuts) {
            parts.push_back(text.substr(start, cut - start));
            start = cut + sep.size();
        }
        parts.push_back(text.substr(start));
    }
    std::vector<Value> values;
    for (auto& p : parts) values.push_back(Value::string(p));
    return values;
}

Value split(const Value& self, const Args& args, bool fromRight) {
    const Value separator = args.get(0, "sep", Value::none());
    if (!separator.isNone() && !separator.isString()) fail("must be str or None");
    const int64_t maxSplit = toIndex(args.get(1, "maxsplit", Value::integer(-1)), "maxsplit");
    return Value::list(splitText(self.asString(), separator, maxSplit, fromRight));
}

Value splitLines(const Value& self, const Args& args) {
    const bool keepEnds = args.get(0, "keepends", Value::boolean(false)).truthy();
    const std::u32string cs = decodeUtf8(self.asString());
    std::vector<Value> lines;
    size_t start = 0;
    for (size_t i = 0; i < cs.size(); ++i) {
        const char32_t c = cs[i];
        const bool lineBreak = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) ||
                               c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!lineBreak) continue;
        size_t end = i;
        if (c == '\r' && i + 1 < cs.size() && cs[i + 1] == '\n') ++i;
        lines.push_back(Value::string(encodeUtf8(cs.substr(start, (keepEnds ? i + 1 : end) - start))));
        start = i + 1;
    }
    if (start < cs.size()) lines.push_back(Value::string(encodeUtf8(cs.substr(start))));
    return Value::list(lines);
}

// startswith/endswith with a string or a tuple of strings.
Value affix(const Value& self, const Args& args, bool atEnd) {
    const Value what = args.get(0, "prefix", Value());
    std::vector<Value> candidates = what.isSequence() ? what.items() : std::vector<Value>{what};
    const std::string& text = self.asString();
    for (const auto& c : candidates) {
        if (!c.isString()) fail(std::string(atEnd ? "endswith" : "startswith") + " first arg must be str or a tuple of str");
        const std::string& s = c.asString();
        if (s.size() <= text.size() && text.compare(atEnd ? text.size() - s.size() : 0, s.size(), s) == 0)
            return Value::boolean(true);
    }
    return Value::boolean(false);
}

Value replace(const Value& self, const Args& args) {
    const std::string& old = textArgument(args, 0, "replace");
    const std::string& replacement = textArgument(args, 1, "replace");
    int64_t count = toIndex(args.get(2, "count", Value::integer(-1)), "count");
    const std::string& text = self.asString();
    std::string out;
    if (old.empty()) {   // Python inserts the replacement around every character
        const std::u32string cs = decodeUtf8(text);
        for (size_t i = 0; i <= cs.size(); ++i) {
            if (count != 0) out += replacement, --count;
            if (i < cs.size()) appendUtf8(out, cs[i]);
        }
        return Value::string(out);
    }
    size_t start = 0;
    for (size_t at = text.find(old); at != std::string::npos && count != 0; at = text.find(old, start), --count) {
        out += text.substr(start, at - start) + replacement;
        start = at + old.size();
    }
    return Value::string(out + text.substr(start));
}

Value find(const Value& self, const Args& args, bool fromRight) {
    const std::string& sub = textArgument(args, 0, "find");
    const std::string& text = self.asString();
    const size_t at = fromRight ? text.rfind(sub) : text.find(sub);
    return Value::integer(at == std::string::npos ? -1 : int64_t(codePointCount(text.substr(0, at))));
}

Value count(const Value& self, const Args& args) {
    if (self.isSequence()) {
        int64_t n = 0;
        for (const auto& item : self.items()) n += equals(item, args.get(0, "value"));
        return Value::integer(n);
    }
    const std::string& sub = textArgument(args, 0, "count");
    const std::string& text = self.asString();
    if (sub.empty()) return Value::integer(int64_t(codePointCount(text)) + 1);
    int64_t n = 0;
    for (size_t at = text.find(sub); at != std::string::npos; at = text.find(sub, at + sub.size())) ++n;
    return Value::integer(n);
}

Value join(const Value& self, const Args& args) {
    std::vector<std::string> parts;
    for (const auto& item : iterate(args.get(0, "iterable"))) {
        if (!item.isString()) fail(std::string("sequence item: expected str instance, ") + item.typeName() + " found");
        parts.push_back(item.asString());
    }
    return Value::string(joinStrings(parts, self.asString()));
}

// str.format with automatic ({}) or numbered ({0}) or named ({name}) fields and no format specs.
Value format(const Value& self, const Args& args) {
    const std::string& text = self.asString();
    std::string out;
    size_t automatic = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c != '{') {
            if (c == '}') fail("single '}' encountered in format string");
            out += c;
            continue;
        }
        const size_t close = text.find('}', i);
        if (close == std::string::npos) fail("single '{' encountered in format string");
        const std::string field = text.substr(i + 1, close - i - 1);
        if (field.find_first_of(":!.[") != std::string::npos) fail("format specs are not supported in str.format");
        Value v;
        if (field.empty()) v = args.get(automatic++, "");
        else if (field.find_first_not_of("0123456789") == std::string::npos) v = args.get(std::stoul(field), "");
        else if (const Value* named = args.namedValue(field)) v = *named;
        else fail("str.format: no argument named '" + field + "'");
        if (v.isUndefined() && !args.namedValue(field)) fail("str.format: not enough arguments");
        out += toStr(v);
        i = close;
    }
    return Value::string(out);
}

template <bool (*Test)(char32_t)>
Value characterClass(const Value& self, const Args&) {
    const std::u32string cs = decodeUtf8(self.asString());
    bool all = !cs.empty();
    for (char32_t c : cs) all = all && Test(c);
    return Value::boolean(all);
}

bool isDigitChar(char32_t c) { return c >= '0' && c <= '9'; }
bool isAlphaChar(char32_t c) { return isCased(c); }
bool isAlnumChar(char32_t c) { return isDigitChar(c) || isCased(c); }

Value caseTest(const Value& self, bool wantUpper) {
    bool anyCased = false;
    for (char32_t c : decodeUtf8(self.asString())) {
        if (!isCased(c)) continue;
        anyCased = true;
        if ((wantUpper ? toLower(c) == c : toUpper(c) == c) && toUpper(c) != toLower(c)) return Value::boolean(false);
    }
    return Value::boolean(anyCased);
}

const std::map<std::string, Method>& stringMethods() {
    static const std::map<std::string, Method> methods = {
        {"strip", [](const Value& s, const Args& a) { return optionalChars(s, a, true, true); }},
        {"lstrip", [](const Value& s, const Args& a) { return optionalChars(s, a, true, false); }},
        {"rstrip", [](const Value& s, const Args& a) { return optionalChars(s, a, false, true); }},
        {"split", [](const Value& s, const Args& a) { return split(s, a, false); }},
        {"rsplit", [](const Value& s, const Args& a) { return split(s, a, true); }},
        {"splitlines", splitLines},
        {"startswith", [](const Value& s, const Args& a) { return affix(s, a, false); }},
        {"endswith", [](const Value& s, const Args& a) { return affix(s, a, true); }},
        {"replace", replace},
        {"upper", [](const Value& s, const Args&) { return Value::string(upper(s.asString())); }},
        {"lower", [](const Value& s, const Args&) { return Value::string(lower(s.asString())); }},
        {"title", [](const Value& s, const Args&) { return Value::string(pythonTitle(s.asString())); }},
        {"capitalize", [](const Value& s, const Args&) { return Value::string(capitalize(s.asString())); }},
        {"find", [](const Value& s, const Args& a) { return find(s, a, false); }},
        {"rfind", [](const Value& s, const Args& a) { return find(s, a, true); }},
        {"count", count},
        {"join", join},
        {"format", format},
        {"isdigit", characterClass<isDigitChar>},
        {"isalpha", characterClass<isAlphaChar>},
        {"isalnum", characterClass<isAlnumChar>},
        {"isspace", characterClass<pythonIsSpace>},
        {"isupper", [](const Value& s, const Args&) { return caseTest(s, true); }},
        {"islower", [](const Value& s, const Args&) { return caseTest(s, false); }},
        {"removeprefix", [](const Value& s, const Args& a) {
             const std::string& p = textArgument(a, 0, "removeprefix");
             return Value::string(s.asString().compare(0, p.size(), p) == 0 ? s.asString().substr(p.size()) : s.asString());
         }},
        {"removesuffix", [](const Value& s, const Args& a) {
             const std::string& p = textArgument(a, 0, "removesuffix");
             const std::string& t = s.asString();
             const bool ends = !p.empty() && p.size() <= t.size() && t.compare(t.size() - p.size(), p.size(), p) == 0;
             return Value::string(ends ? t.substr(0, t.size() - p.size()) : t);
         }},
    };
    return methods;
}

Value dictItems(const Value& d, const Args&) {
    std::vector<Value> items;
    for (const auto& [key, value] : d.dictData().entries) items.push_back(Value::tuple({key, value}));
    return Value::list(items);
}

const std::map<std::string, Method>& dictMethods() {
    static const std::map<std::string, Method> methods = {
        {"items", dictItems},
        {"keys", [](const Value& d, const Args&) { return Value::list(iterate(d)); }},
        {"values", [](const Value& d, const Args&) {
             std::vector<Value> values;
             for (const auto& entry : d.dictData().entries) values.push_back(entry.second);
             return Value::list(values);
         }},
        {"get", [](const Value& d, const Args& a) {
             const Value* found = d.dictData().find(a.get(0, "key"));
             return found ? *found : a.get(1, "default", Value::none());
         }},
        {"copy", [](const Value& d, const Args&) { return d; }},
    };
    return methods;
}

bool isMutator(const Value& object, const std::string& name) {
    static const char* listMutators[] = {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"};
    static const char* dictMutators[] = {"update", "pop", "popitem", "setdefault", "clear"};
    if (object.kind() == Value::Kind::List)
        for (const char* m : listMutators)
            if (name == m) return true;
    if (object.isDict())
        for (const char* m : dictMutators)
            if (name == m) return true;
    return false;
}

Value bind(const Value& self, const std::string& name, Method method) {
    return Value::function(std::string(self.typeName()) + "." + name, [self, method](const Args& args) { return method(self, args); });
}

}  // namespace

bool findMethod(const Value& object, const std::string& name, Value& method) {
    const std::map<std::string, Method>* table = nullptr;
    if (object.isString()) table = &stringMethods();
    else if (object.isDict()) table = &dictMethods();
    if (table) {
        const auto it = table->find(name);
        if (it != table->end()) {
            method = bind(object, name, it->second);
            return true;
        }
    }
    if (object.isSequence() && (name == "count" || name == "index")) {
        method = bind(object, name, name == "count" ? count : [](const Value& s, const Args& a) {
            for (size_t i = 0; i < s.items().size(); ++i)
                if (equals(s.items()[i], a.get(0, "value"))) return Value::integer(int64_t(i));
            fail("value is not in the list");
        });
        return true;
    }
    if (isMutator(object, name)) {
        const std::string message = "access to attribute '" + name + "' of '" + object.typeName() + "' object is unsafe";
        method = Value::function(name, [message](const Args&) -> Value { fail(message); });
        return true;
    }
    return false;
}

}  // namespace l1ra::jinja
