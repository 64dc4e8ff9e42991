// The interpreter's expressions. A failure is located at the innermost expression that was being evaluated.
#include "text/jinja/builtins.h"
#include "text/jinja/interpreter.h"

namespace l1ra::jinja {

Value Interpreter::evaluate(const Expr& expr) {
    try {
        return evaluateExpr(expr);
    } catch (RenderFailure& failure) {
        if (!failure.located) failure.offset = expr.offset, failure.located = true;
        throw;
    }
}

Value Interpreter::evaluateExpr(const Expr& expr) {
    switch (expr.type) {
        case Expr::Type::Literal: return static_cast<const LiteralExpr&>(expr).value;
        case Expr::Type::Name: return evaluateName(static_cast<const NameExpr&>(expr));
        case Expr::Type::List:
        case Expr::Type::Dict: return evaluateCollection(expr);
        case Expr::Type::Attribute: {
            const auto& e = static_cast<const AttributeExpr&>(expr);
            return getAttribute(evaluate(*e.object), e.name);
        }
        case Expr::Type::Item: {
            const auto& e = static_cast<const ItemExpr&>(expr);
            const Value object = evaluate(*e.object);
            return getItem(object, evaluate(*e.key));
        }
        case Expr::Type::Slice: return evaluateSlice(static_cast<const SliceExpr&>(expr));
        case Expr::Type::Call: return evaluateCall(static_cast<const CallExpr&>(expr));
        case Expr::Type::Filter: return evaluateFilter(static_cast<const FilterExpr&>(expr));
        case Expr::Type::Test: return evaluateTest(static_cast<const TestExpr&>(expr));
        case Expr::Type::Unary: return evaluateUnary(static_cast<const UnaryExpr&>(expr));
        case Expr::Type::Binary: return evaluateBinary(static_cast<const BinaryExpr&>(expr));
        case Expr::Type::Compare: return evaluateCompare(static_cast<const CompareExpr&>(expr));
        case Expr::Type::Conditional: {
            const auto& e = static_cast<const ConditionalExpr&>(expr);
            if (evaluate(*e.condition).truthy()) return evaluate(*e.then);
            if (e.otherwise) return evaluate(*e.otherwise);
            return Value::undefined("the inline if-expression evaluated to false and has no else section");
        }
    }
    fail("unknown expression");
}

Value Interpreter::evaluateName(const NameExpr& expr) {
    if (const Value* v = scope_->find(expr.name)) return *v;
    return Value::undefined("'" + expr.name + "' is undefined");
}

Value Interpreter::evaluateCollection(const Expr& expr) {
    if (expr.type == Expr::Type::Dict) {
        std::vector<std::pair<Value, Value>> entries;
        for (const auto& [key, value] : static_cast<const DictExpr&>(expr).entries) {
            Value k = evaluate(*key);
            if (k.isSequence() && k.kind() == Value::Kind::List) fail("unhashable type: 'list'");
            entries.emplace_back(k, evaluate(*value));
        }
        return Value::dict(std::move(entries));
    }
    const auto& list = static_cast<const ListExpr&>(expr);
    std::vector<Value> items;
    for (const auto& item : list.items) items.push_back(evaluate(*item));
    return list.tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
}

Value Interpreter::evaluateSlice(const SliceExpr& expr) {
    const Value object = evaluate(*expr.object);
    auto part = [this](const ExprPtr& e) { return e ? evaluate(*e) : Value::none(); };
    const Value start = part(expr.start), stop = part(expr.stop), step = part(expr.step);
    return sliceValue(object, start, stop, step);
}

Args Interpreter::evaluateArguments(const CallArguments& arguments) {
    Args args;
    for (const auto& e : arguments.positional) args.positional.push_back(evaluate(*e));
    for (const auto& [name, e] : arguments.named) args.named.emplace_back(name, evaluate(*e));
    return args;
}

Value Interpreter::evaluateCall(const CallExpr& expr) {
    const Value callee = evaluate(*expr.callee);
    return callValue(callee, evaluateArguments(expr.arguments));
}

Value Interpreter::evaluateFilter(const FilterExpr& expr, const Value* input) {
    if (!hasFilter(expr.name)) fail("no filter named '" + expr.name + "'");
    const Value operand = input ? *input : evaluate(*expr.operand);
    return applyFilter(expr.name, operand, evaluateArguments(expr.arguments));
}

Value Interpreter::evaluateTest(const TestExpr& expr) {
    if (!hasTest(expr.name)) fail("no test named '" + expr.name + "'");
    const Value operand = evaluate(*expr.operand);
    const bool result = applyTest(expr.name, operand, evaluateArguments(expr.arguments));
    return Value::boolean(result != expr.negated);
}

Value Interpreter::evaluateUnary(const UnaryExpr& expr) {
    const Value v = evaluate(*expr.operand);
    if (expr.op == "not") return Value::boolean(!v.truthy());
    if (v.isUndefined()) failUndefined(v);
    if (!v.isNumber()) fail("bad operand type for unary " + expr.op + ": '" + v.typeName() + "'");
    if (expr.op == "+") return v.isBool() ? Value::integer(v.asInt()) : v;
    if (v.isFloat()) return Value::number(-v.asDouble());
    if (v.asInt() == INT64_MIN) fail("integer overflow (the result does not fit in 64 bits)");
    return Value::integer(-v.asInt());
}

// "and" and "or" return one of their operands, as in Python.
Value Interpreter::evaluateBinary(const BinaryExpr& expr) {
    const Value left = evaluate(*expr.left);
    if (expr.op == "and") return left.truthy() ? evaluate(*expr.right) : left;
    if (expr.op == "or") return left.truthy() ? left : evaluate(*expr.right);
    return binaryOperation(expr.op, left, evaluate(*expr.right));
}

Value Interpreter::evaluateCompare(const CompareExpr& expr) {
    Value left = evaluate(*expr.first);
    for (const auto& [op, e] : expr.rest) {
        Value right = evaluate(*e);
        if (!compareValues(op, left, right)) return Value::boolean(false);
        left = std::move(right);
    }
    return Value::boolean(true);
}

}  // namespace l1ra::jinja
