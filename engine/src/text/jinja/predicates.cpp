// Jinja2's tests ("x is defined", "n is divisibleby 3") with Jinja 3.1's semantics.
#include <map>

#include "text/jinja/builtins.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

using Test = bool (*)(const Value&, const Args&);

Value argument(const Args& a, const char* name) {
    const Value v = a.get(0, name);
    if (a.positional.empty() && !a.namedValue(name)) fail(std::string("the test needs an argument '") + name + "'");
    return v;
}

bool remainderIs(const Value& v, const Value& divisor, int64_t wanted) {
    const Value r = binaryOperation("%", v, divisor);
    return equals(r, Value::integer(wanted));
}

bool isSequence(const Value& v) {
    return v.isUndefined() || v.isString() || v.isSequence() || v.isDict();
}

bool caseIs(const Value& v, bool wantUpper) {
    Args none;
    return callValue(getAttribute(Value::string(toStr(v)), wantUpper ? "isupper" : "islower"), none).truthy();
}

const std::map<std::string, Test>& tests() {
    static const std::map<std::string, Test> table = {
        {"defined", [](const Value& v, const Args&) { return !v.isUndefined(); }},
        {"undefined", [](const Value& v, const Args&) { return v.isUndefined(); }},
        {"none", [](const Value& v, const Args&) { return v.isNone(); }},
        {"boolean", [](const Value& v, const Args&) { return v.isBool(); }},
        {"true", [](const Value& v, const Args&) { return v.isBool() && v.asBool(); }},
        {"false", [](const Value& v, const Args&) { return v.isBool() && !v.asBool(); }},
        {"integer", [](const Value& v, const Args&) { return v.isInt(); }},
        {"float", [](const Value& v, const Args&) { return v.isFloat(); }},
        {"number", [](const Value& v, const Args&) { return v.isNumber(); }},
        {"string", [](const Value& v, const Args&) { return v.isString(); }},
        {"mapping", [](const Value& v, const Args&) { return v.isDict(); }},
        {"iterable", [](const Value& v, const Args&) { return isSequence(v) || v.kind() == Value::Kind::Generator; }},
        {"sequence", [](const Value& v, const Args&) { return isSequence(v); }},
        {"callable", [](const Value& v, const Args&) { return v.isFunction(); }},
        {"escaped", [](const Value&, const Args&) { return false; }},
        {"sameas", [](const Value& v, const Args& a) { return v.sameObject(argument(a, "other")); }},
        {"odd", [](const Value& v, const Args&) { return remainderIs(v, Value::integer(2), 1); }},
        {"even", [](const Value& v, const Args&) { return remainderIs(v, Value::integer(2), 0); }},
        {"divisibleby", [](const Value& v, const Args& a) { return remainderIs(v, argument(a, "num"), 0); }},
        {"lower", [](const Value& v, const Args&) { return caseIs(v, false); }},
        {"upper", [](const Value& v, const Args&) { return caseIs(v, true); }},
        {"in", [](const Value& v, const Args& a) { return compareValues("in", v, argument(a, "seq")); }},
        {"filter", [](const Value& v, const Args&) { return v.isString() && hasFilter(v.asString()); }},
        {"test", [](const Value& v, const Args&) { return v.isString() && hasTest(v.asString()); }},
    };
    return table;
}

// Comparison tests and their aliases: eq, equalto, ==, ne, !=, lt, lessthan, <, le, <=, gt, greaterthan, >, ge, >=.
const char* comparisonOperator(const std::string& name) {
    static const std::map<std::string, const char*> aliases = {
        {"eq", "=="}, {"equalto", "=="}, {"==", "=="}, {"ne", "!="}, {"!=", "!="},
        {"lt", "<"}, {"lessthan", "<"}, {"<", "<"}, {"le", "<="}, {"<=", "<="},
        {"gt", ">"}, {"greaterthan", ">"}, {">", ">"}, {"ge", ">="}, {">=", ">="},
    };
    const auto it = aliases.find(name);
    return it == aliases.end() ? nullptr : it->second;
}

}  // namespace

bool hasTest(const std::string& name) { return tests().count(name) || comparisonOperator(name); }

bool applyTest(const std::string& name, const Value& input, const Args& args) {
    if (const char* op = comparisonOperator(name)) return compareValues(op, input, argument(args, "other"));
    const auto it = tests().find(name);
    if (it == tests().end()) fail("no test named '" + name + "'");
    return it->second(input, args);
}

}  // namespace l1ra::jinja
