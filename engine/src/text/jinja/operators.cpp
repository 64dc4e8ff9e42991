// Python's arithmetic, comparison, membership, iteration and len() on template values.
#include <cmath>
#include <cstdio>

#include "text/jinja/builtins.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
    fail("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool bothInts(const Value& a, const Value& b) { return a.isNumber() && b.isNumber() && !a.isFloat() && !b.isFloat(); }

Value checkedInt(bool overflow, int64_t result) {
    if (overflow) fail("integer overflow (the result does not fit in 64 bits)");
    return Value::integer(result);
}

constexpr int64_t maxRepeatedSize = int64_t(1) << 26;   // 64 Mi characters or items: far beyond any prompt

Value repeat(const Value& sequence, const Value& count) {
    const int64_t n = std::max<int64_t>(0, count.asInt());
    const auto size = int64_t(sequence.isString() ? sequence.asString().size() : sequence.items().size());
    if (size > 0 && n > maxRepeatedSize / size) fail("the repeated sequence would be too long");
    if (sequence.isString()) {
        std::string out;
        for (int64_t i = 0; i < n; ++i) out += sequence.asString();
        return Value::string(out);
    }
    std::vector<Value> items;
    for (int64_t i = 0; i < n; ++i) items.insert(items.end(), sequence.items().begin(), sequence.items().end());
    return sequence.kind() == Value::Kind::Tuple ? Value::tuple(items) : Value::list(items);
}

Value add(const Value& a, const Value& b) {
    if (bothInts(a, b)) {
        int64_t r = 0;
        const bool overflow = __builtin_add_overflow(a.asInt(), b.asInt(), &r);
        return checkedInt(overflow, r);
    }
    if (a.isNumber() && b.isNumber()) return Value::number(a.asDouble() + b.asDouble());
    if (a.isString() && b.isString()) return Value::string(a.asString() + b.asString());
    if (a.isString()) fail(std::string("can only concatenate str (not \"") + b.typeName() + "\") to str");
    if (a.isSequence() && a.kind() == b.kind()) {
        std::vector<Value> items = a.items();
        items.insert(items.end(), b.items().begin(), b.items().end());
        return a.kind() == Value::Kind::Tuple ? Value::tuple(items) : Value::list(items);
    }
    unsupported("+", a, b);
}

Value multiply(const Value& a, const Value& b) {
    if (bothInts(a, b)) {
        int64_t r = 0;
        const bool overflow = __builtin_mul_overflow(a.asInt(), b.asInt(), &r);
        return checkedInt(overflow, r);
    }
    if (a.isNumber() && b.isNumber()) return Value::number(a.asDouble() * b.asDouble());
    const bool aInt = a.isInt() || a.isBool(), bInt = b.isInt() || b.isBool();
    if ((a.isString() || a.isSequence()) && bInt) return repeat(a, b);
    if ((b.isString() || b.isSequence()) && aInt) return repeat(b, a);
    unsupported("*", a, b);
}

// Python's float // and %: the quotient rounds down, the remainder takes the divisor's sign.
double floatModulo(double a, double b) {
    double mod = std::fmod(a, b);
    if (mod != 0) {
        if ((b < 0) != (mod < 0)) mod += b;
    } else {
        mod = std::copysign(0.0, b);
    }
    return mod;
}

double floatFloorDivision(double a, double b) {
    double mod = std::fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
    if (div == 0) return std::copysign(0.0, a / b);
    double floored = std::floor(div);
    if (div - floored > 0.5) floored += 1.0;
    return floored;
}

Value divide(const std::string& op, const Value& a, const Value& b) {
    if (!a.isNumber() || !b.isNumber()) unsupported(op, a, b);
    if (b.asDouble() == 0) fail(bothInts(a, b) && op != "/" ? "integer division or modulo by zero" : "division by zero");
    if (op == "/") return Value::number(a.asDouble() / b.asDouble());
    if (bothInts(a, b)) {
        const int64_t x = a.asInt(), y = b.asInt();
        int64_t q = x / y, r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) --q, r += y;
        return Value::integer(op == "//" ? q : r);
    }
    return Value::number(op == "//" ? floatFloorDivision(a.asDouble(), b.asDouble())
                                    : floatModulo(a.asDouble(), b.asDouble()));
}

Value power(const Value& a, const Value& b) {
    if (!a.isNumber() || !b.isNumber()) unsupported("**", a, b);
    if (bothInts(a, b) && b.asInt() >= 0) {
        int64_t result = 1, base = a.asInt();
        for (int64_t e = b.asInt(); e > 0; --e)
            if (__builtin_mul_overflow(result, base, &result)) fail("integer overflow (the result does not fit in 64 bits)");
        return Value::integer(result);
    }
    return Value::number(std::pow(a.asDouble(), b.asDouble()));
}

// printf-style "%s" % args: %s %r %d %i %f %x %% with optional precision.
Value percentFormat(const std::string& format, const Value& args) {
    std::vector<Value> values = args.kind() == Value::Kind::Tuple ? args.items() : std::vector<Value>{args};
    size_t next = 0;
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        size_t j = i + 1;
        while (j < format.size() && (std::isdigit(static_cast<unsigned char>(format[j])) || format[j] == '.' || format[j] == '-')) ++j;
        if (j >= format.size()) fail("incomplete format");
        const char conversion = format[j];
        const std::string spec = format.substr(i + 1, j - i - 1);
        i = j;
        if (conversion == '%') {
            out += '%';
            continue;
        }
        if (next >= values.size()) fail("not enough arguments for format string");
        const Value& v = values[next++];
        char buffer[512];
        if (conversion == 's') out += toStr(v);
        else if (conversion == 'r') out += toRepr(v);
        else if (conversion == 'd' || conversion == 'i') out += std::to_string(v.isNumber() ? int64_t(v.asDouble()) : toIndex(v, "%d format"));
        else if (conversion == 'f' && v.isNumber()) std::snprintf(buffer, sizeof buffer, ("%" + spec + "f").c_str(), v.asDouble()), out += buffer;
        else if (conversion == 'x' && (v.isInt() || v.isBool())) std::snprintf(buffer, sizeof buffer, "%llx", (long long)v.asInt()), out += buffer;
        else fail(std::string("unsupported format character '") + conversion + "'");
    }
    if (next < values.size()) fail("not all arguments converted during string formatting");
    return Value::string(out);
}

// Python's ordering: -1, 0 or 1; a TypeError between types that have none.
int order(const Value& a, const Value& b, const std::string& op) {
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
    if (a.isNumber() && b.isNumber()) {
        if (bothInts(a, b)) return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt();
        return a.asDouble() < b.asDouble() ? -1 : a.asDouble() > b.asDouble();
    }
    if (a.isString() && b.isString()) {
        const int c = a.asString().compare(b.asString());   // UTF-8 byte order is code point order
        return c < 0 ? -1 : c > 0;
    }
    if (a.isSequence() && a.kind() == b.kind()) {
        const auto &x = a.items(), &y = b.items();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i)
            if (!equals(x[i], y[i])) return order(x[i], y[i], op);
        return x.size() < y.size() ? -1 : x.size() > y.size();
    }
    fail("'" + op + "' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool contains(const Value& container, const Value& item) {
    if (container.isUndefined()) return false;
    if (container.isString()) {
        if (!item.isString()) fail(std::string("'in <string>' requires string as left operand, not ") + item.typeName());
        return container.asString().find(item.asString()) != std::string::npos;
    }
    if (container.isSequence()) {
        for (const auto& v : container.items())
            if (equals(v, item)) return true;
        return false;
    }
    if (container.isDict()) return container.dictData().find(item) != nullptr;
    fail(std::string("argument of type '") + container.typeName() + "' is not iterable");
}

}  // namespace

Value binaryOperation(const std::string& op, const Value& a, const Value& b) {
    if (op == "~") return Value::string(toStr(a) + toStr(b));
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
    if (op == "+") return add(a, b);
    if (op == "*") return multiply(a, b);
    if (op == "-") {
        if (bothInts(a, b)) {
            int64_t r = 0;
            const bool overflow = __builtin_sub_overflow(a.asInt(), b.asInt(), &r);
            return checkedInt(overflow, r);
        }
        if (a.isNumber() && b.isNumber()) return Value::number(a.asDouble() - b.asDouble());
        unsupported("-", a, b);
    }
    if (op == "%" && a.isString()) return percentFormat(a.asString(), b);
    if (op == "/" || op == "//" || op == "%") return divide(op, a, b);
    if (op == "**") return power(a, b);
    fail("unknown operator '" + op + "'");
}

bool compareValues(const std::string& op, const Value& a, const Value& b) {
    if (op == "==") return equals(a, b);
    if (op == "!=") return !equals(a, b);
    if (op == "in") return contains(b, a);
    if (op == "notin") return !contains(b, a);
    const int c = order(a, b, op);
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
}

bool lessThan(const Value& a, const Value& b) { return order(a, b, "<") < 0; }

std::vector<Value> iterate(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return {};
        case Value::Kind::List:
        case Value::Kind::Tuple:
        case Value::Kind::Generator: return v.items();
        case Value::Kind::Dict: {
            std::vector<Value> keys;
            for (const auto& entry : v.dictData().entries) keys.push_back(entry.first);
            return keys;
        }
        case Value::Kind::String: {
            std::vector<Value> characters;
            for (char32_t c : decodeUtf8(v.asString())) characters.push_back(Value::string(encodeUtf8(std::u32string(1, c))));
            return characters;
        }
        default: fail(std::string("'") + v.typeName() + "' object is not iterable");
    }
}

size_t length(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return 0;
        case Value::Kind::String: return codePointCount(v.asString());
        case Value::Kind::List:
        case Value::Kind::Tuple: return v.items().size();
        case Value::Kind::Dict: return v.dictData().entries.size();
        default: fail(std::string("object of type '") + v.typeName() + "' has no len()");
    }
}

int64_t toIndex(const Value& v, const char* what) {
    if (v.isInt() || v.isBool()) return v.asInt();
    if (v.isUndefined()) failUndefined(v);
    fail(std::string(what) + " must be an integer, not '" + v.typeName() + "'");
}

}  // namespace l1ra::jinja
