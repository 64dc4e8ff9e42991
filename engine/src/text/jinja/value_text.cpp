// str(), repr() and json.dumps() of template values, as Python writes them.
#include <algorithm>
#include <cstdio>
#include <cmath>

#include "text/jinja/builtins.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {

std::string joinStrings(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
    return out;
}

static std::string dictRepr(const DictData& dict) {
    std::vector<std::string> parts;
    for (const auto& [key, value] : dict.entries) parts.push_back(toRepr(key) + ": " + toRepr(value));
    return "{" + joinStrings(parts, ", ") + "}";
}

std::string toStr(const Value& v) {
    using K = Value::Kind;
    switch (v.kind()) {
        case K::Undefined: return "";
        case K::None: return "None";
        case K::Bool: return v.asBool() ? "True" : "False";
        case K::Int: return std::to_string(v.asInt());
        case K::Float: return pythonFloatRepr(v.asDouble());
        case K::String: return v.asString();
        case K::Namespace: return "<Namespace " + dictRepr(v.dictData()) + ">";
        case K::Function: return "<function " + v.functionData().name + ">";
        case K::Generator: return "<generator object>";
        default: return toRepr(v);
    }
}

std::string toRepr(const Value& v) {
    using K = Value::Kind;
    switch (v.kind()) {
        case K::Undefined: return "Undefined";
        case K::String: return pythonStringRepr(v.asString());
        case K::List:
        case K::Tuple: {
            std::vector<std::string> parts;
            for (const auto& item : v.items()) parts.push_back(toRepr(item));
            if (v.kind() == K::List) return "[" + joinStrings(parts, ", ") + "]";
            return "(" + joinStrings(parts, ", ") + (parts.size() == 1 ? ",)" : ")");
        }
        case K::Dict: return dictRepr(v.dictData());
        default: return toStr(v);
    }
}

namespace {

class JsonWriter {
public:
    explicit JsonWriter(const JsonOptions& options) : options_(options) {
        if (options.indent.isInt()) indentUnit_ = std::string(size_t(std::max<int64_t>(0, options.indent.asInt())), ' ');
        else if (options.indent.isString()) indentUnit_ = options.indent.asString();
        else if (!options.indent.isNone()) fail("tojson: indent must be an integer or a string");
        multiline_ = !options.indent.isNone();
        itemSeparator_ = options.separatorsGiven ? options.itemSeparator : multiline_ ? "," : ", ";
        keySeparator_ = options.separatorsGiven ? options.keySeparator : ": ";
    }

    void write(const Value& v, int depth) {
        using K = Value::Kind;
        switch (v.kind()) {
            case K::None: out += "null"; break;
            case K::Bool: out += v.asBool() ? "true" : "false"; break;
            case K::Int: out += std::to_string(v.asInt()); break;
            case K::Float: out += number(v.asDouble()); break;
            case K::String: out += string(v.asString()); break;
            case K::List:
            case K::Tuple: writeList(v.items(), depth); break;
            case K::Dict: writeDict(v.dictData(), depth); break;
            default: fail(std::string("Object of type ") + v.typeName() + " is not JSON serializable");
        }
    }

    std::string out;

private:
    const JsonOptions& options_;
    std::string indentUnit_, itemSeparator_, keySeparator_;
    bool multiline_ = false;

    static std::string number(double x) {
        if (std::isnan(x)) return "NaN";
        if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
        return pythonFloatRepr(x);
    }

    std::string string(const std::string& s) const {
        if (!options_.ensureAscii) return jsonString(s);
        std::string out = "\"";
        for (char32_t c : decodeUtf8(jsonString(s).substr(1, std::string::npos))) {
            char buffer[16];
            if (c < 0x7F) out.push_back(char(c));
            else if (c < 0x10000) std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c)), out += buffer;
            else {
                const unsigned u = unsigned(c) - 0x10000;
                std::snprintf(buffer, sizeof buffer, "\\u%04x\\u%04x", 0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF));
                out += buffer;
            }
        }
        return out;
    }

    void newline(int depth) {
        if (!multiline_) return;
        out += "\n";
        for (int i = 0; i < depth; ++i) out += indentUnit_;
    }

    void writeList(const std::vector<Value>& items, int depth) {
        if (items.empty()) {
            out += "[]";
            return;
        }
        out += "[";
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += itemSeparator_;
            newline(depth + 1);
            write(items[i], depth + 1);
        }
        newline(depth);
        out += "]";
    }

    std::string key(const Value& k) const {
        if (k.isString()) return k.asString();
        if (k.isNone()) return "null";
        if (k.isBool()) return k.asBool() ? "true" : "false";
        if (k.isInt()) return std::to_string(k.asInt());
        if (k.isFloat()) return number(k.asDouble());
        fail(std::string("keys must be str, int, float, bool or None, not ") + k.typeName());
    }

    void writeDict(const DictData& dict, int depth) {
        if (dict.entries.empty()) {
            out += "{}";
            return;
        }
        std::vector<const std::pair<Value, Value>*> entries;
        for (const auto& entry : dict.entries) entries.push_back(&entry);
        if (options_.sortKeys)
            std::stable_sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return lessThan(a->first, b->first); });
        out += "{";
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i) out += itemSeparator_;
            newline(depth + 1);
            out += string(key(entries[i]->first)) + keySeparator_;
            write(entries[i]->second, depth + 1);
        }
        newline(depth);
        out += "}";
    }
};

}  // namespace

std::string toJson(const Value& v, const JsonOptions& options) {
    JsonWriter writer(options);
    writer.write(v, 0);
    return writer.out;
}

}  // namespace l1ra::jinja
