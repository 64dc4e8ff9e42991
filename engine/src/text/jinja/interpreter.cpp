#include "text/jinja/interpreter.h"

#include "l1ra/error.h"
#include "text/jinja/builtins.h"

namespace l1ra::jinja {

const Value* Scope::find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent.get())
        for (const auto& [key, value] : s->variables)
            if (key == name) return &value;
    return nullptr;
}

void Scope::set(const std::string& name, Value value) {
    for (auto& [key, existing] : variables)
        if (key == name) {
            existing = std::move(value);
            return;
        }
    variables.emplace_back(name, std::move(value));
}

namespace {

// Restores the interpreter's scope when a block that opened one ends, also when it throws.
class ScopeGuard {
public:
    ScopeGuard(std::shared_ptr<Scope>& slot, std::shared_ptr<Scope> inner) : slot_(slot), outer_(slot) { slot_ = std::move(inner); }
    ~ScopeGuard() { slot_ = outer_; }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

private:
    std::shared_ptr<Scope>& slot_;
    std::shared_ptr<Scope> outer_;
};

std::shared_ptr<Scope> childOf(const std::shared_ptr<Scope>& parent) {
    auto scope = std::make_shared<Scope>();
    scope->parent = parent;
    return scope;
}

}  // namespace

std::string Interpreter::render(const NodeList& nodes, std::shared_ptr<Scope> globals) {
    scope_ = std::move(globals);
    generated_.clear();
    std::string out;
    mainOutput_ = &out;
    try {
        execute(nodes, out);
    } catch (const RenderFailure& failure) {
        throw Error(source_.located(failure.offset, failure.message));
    }
    return out;
}

Interpreter::Flow Interpreter::execute(const NodeList& nodes, std::string& out) {
    for (const auto& node : nodes) {
        const Flow flow = execute(*node, out);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::execute(const Node& node, std::string& out) {
    try {
        switch (node.type) {
            case Node::Type::Text: out += static_cast<const TextNode&>(node).text; break;
            case Node::Type::Output: {
                const Value v = evaluate(*static_cast<const OutputNode&>(node).expr);
                out += v.isString() ? v.asString() : toStr(v);
                break;
            }
            case Node::Type::If: return executeIf(static_cast<const IfNode&>(node), out);
            case Node::Type::For: return executeFor(static_cast<const ForNode&>(node), out);
            case Node::Type::Set: executeSet(static_cast<const SetNode&>(node)); break;
            case Node::Type::SetBlock: executeSetBlock(static_cast<const SetBlockNode&>(node)); break;
            case Node::Type::Macro: {
                const auto& macro = static_cast<const MacroNode&>(node);
                scope_->set(macro.name, makeMacro(macro.name, macro.parameters, macro.body));
                break;
            }
            case Node::Type::CallBlock: executeCallBlock(static_cast<const CallBlockNode&>(node), out); break;
            case Node::Type::FilterBlock: executeFilterBlock(static_cast<const FilterBlockNode&>(node), out); break;
            case Node::Type::With: executeWith(static_cast<const WithNode&>(node), out); break;
            case Node::Type::Break: return Flow::Break;
            case Node::Type::Continue: return Flow::Continue;
            case Node::Type::Generation: executeGeneration(static_cast<const GenerationNode&>(node), out); break;
        }
    } catch (RenderFailure& failure) {
        if (!failure.located) failure.offset = node.offset, failure.located = true;
        throw;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::executeIf(const IfNode& node, std::string& out) {
    for (const auto& [condition, body] : node.branches)
        if (evaluate(*condition).truthy()) return execute(body, out);
    return execute(node.otherwise, out);
}

void Interpreter::assignTargets(const std::vector<std::string>& targets, const Value& value) {
    if (targets.size() == 1) {
        scope_->set(targets[0], value);
        return;
    }
    const std::vector<Value> parts = iterate(value);
    if (parts.size() != targets.size())
        fail(std::string(parts.size() < targets.size() ? "not enough" : "too many") + " values to unpack (expected " +
             std::to_string(targets.size()) + ", got " + std::to_string(parts.size()) + ")");
    for (size_t i = 0; i < targets.size(); ++i) scope_->set(targets[i], parts[i]);
}

namespace {

// What a loop's cycle(...) and changed(...) need: the current index and the last values passed to changed.
struct LoopState {
    size_t index = 0;
    std::vector<Value> lastChanged;
    bool changedCalled = false;
};

std::pair<Value, Value> loopFunctions(const std::shared_ptr<LoopState>& state) {
    Value cycle = Value::function("loop.cycle", [state](const Args& args) {
        if (args.positional.empty()) fail("no items for cycling given");
        return args.positional[state->index % args.positional.size()];
    });
    Value changed = Value::function("loop.changed", [state](const Args& args) {
        const bool same = state->changedCalled && equals(Value::list(state->lastChanged), Value::list(args.positional));
        state->lastChanged = args.positional;
        state->changedCalled = true;
        return Value::boolean(!same);
    });
    return {cycle, changed};
}

// The `loop` object of one iteration: index, index0, revindex, revindex0, first, last, length, previtem,
// nextitem, depth, depth0, and the cycle(...) and changed(...) functions.
Value loopObject(const std::vector<Value>& items, size_t i, const std::pair<Value, Value>& functions) {
    const auto n = int64_t(items.size()), index = int64_t(i);
    return Value::namespaceObject({
        {Value::string("index"), Value::integer(index + 1)},
        {Value::string("index0"), Value::integer(index)},
        {Value::string("revindex"), Value::integer(n - index)},
        {Value::string("revindex0"), Value::integer(n - index - 1)},
        {Value::string("first"), Value::boolean(i == 0)},
        {Value::string("last"), Value::boolean(index == n - 1)},
        {Value::string("length"), Value::integer(n)},
        {Value::string("depth"), Value::integer(1)},
        {Value::string("depth0"), Value::integer(0)},
        {Value::string("previtem"), i > 0 ? items[i - 1] : Value::undefined("there is no previous item")},
        {Value::string("nextitem"), index + 1 < n ? items[i + 1] : Value::undefined("there is no next item")},
        {Value::string("cycle"), functions.first},
        {Value::string("changed"), functions.second},
    });
}

}  // namespace

Interpreter::Flow Interpreter::executeFor(const ForNode& node, std::string& out) {
    std::vector<Value> items;
    for (const auto& item : iterate(evaluate(*node.iterable))) {
        if (node.filter) {
            ScopeGuard guard(scope_, childOf(scope_));
            assignTargets(node.targets, item);
            if (!evaluate(*node.filter).truthy()) continue;
        }
        items.push_back(item);
    }
    if (items.empty()) return execute(node.otherwise, out);
    auto state = std::make_shared<LoopState>();
    const auto functions = loopFunctions(state);
    for (size_t i = 0; i < items.size(); ++i) {
        ScopeGuard guard(scope_, childOf(scope_));
        assignTargets(node.targets, items[i]);
        state->index = i;
        scope_->set("loop", loopObject(items, i, functions));
        if (execute(node.body, out) == Flow::Break) break;
    }
    return Flow::Normal;
}

void Interpreter::executeSet(const SetNode& node) {
    Value value = evaluate(*node.value);
    if (node.attribute.empty()) {
        assignTargets(node.targets, value);
        return;
    }
    const Value* target = scope_->find(node.targets[0]);
    if (!target || !target->isNamespace()) fail("cannot assign attribute on non-namespace object");
    target->namespaceData().set(Value::string(node.attribute), value);
}

std::string Interpreter::renderInScope(const NodeList& nodes, std::shared_ptr<Scope> scope) {
    ScopeGuard guard(scope_, std::move(scope));
    std::string text;
    execute(nodes, text);
    return text;
}

Value Interpreter::applyFilters(const std::vector<std::unique_ptr<FilterExpr>>& filters, Value value) {
    for (const auto& filter : filters) value = evaluateFilter(*filter, &value);
    return value;
}

void Interpreter::executeSetBlock(const SetBlockNode& node) {
    const Value text = Value::string(renderInScope(node.body, childOf(scope_)));
    scope_->set(node.target, applyFilters(node.filters, text));
}

void Interpreter::executeFilterBlock(const FilterBlockNode& node, std::string& out) {
    out += toStr(applyFilters(node.filters, Value::string(renderInScope(node.body, childOf(scope_)))));
}

void Interpreter::executeWith(const WithNode& node, std::string& out) {
    auto inner = childOf(scope_);
    for (const auto& [name, expr] : node.assignments) inner->set(name, evaluate(*expr));
    out += renderInScope(node.body, inner);
}

void Interpreter::executeGeneration(const GenerationNode& node, std::string& out) {
    const size_t begin = out.size();
    execute(node.body, out);
    if (&out == mainOutput_) generated_.push_back({begin, out.size()});
}

// A macro renders its body in a scope of its own, child of the scope it was defined in; parameters not passed
// take their default (evaluated at call time) or are undefined; extra ones land in varargs and kwargs.
Value Interpreter::makeMacro(const std::string& name, const std::vector<MacroParameter>& parameters, const NodeList& body) {
    // Weak: the scope holds the macro, so a strong reference back would be a cycle that is never freed.
    std::weak_ptr<Scope> definedInWeak = scope_;
    return Value::function(name, [this, name, &parameters, &body, definedInWeak](const Args& args) {
        const std::shared_ptr<Scope> definedIn = definedInWeak.lock();
        if (!definedIn) fail("macro '" + name + "' was called after the block that defined it ended");
        constexpr int maxDepth = 200;   // where Python would stop a runaway recursion
        if (macroDepth_ >= maxDepth) fail("macros call each other more than " + std::to_string(maxDepth) + " deep");
        ++macroDepth_;
        struct Leave {
            int& depth;
            ~Leave() { --depth; }
        } leave{macroDepth_};
        auto scope = childOf(definedIn);
        ScopeGuard guard(scope_, scope);
        std::vector<Value> extra;
        for (size_t i = 0; i < args.positional.size(); ++i) {
            if (i < parameters.size()) scope->set(parameters[i].name, args.positional[i]);
            else extra.push_back(args.positional[i]);
        }
        std::vector<std::pair<Value, Value>> extraNamed;
        for (const auto& [key, value] : args.named) {
            bool known = key == "caller";
            for (const auto& p : parameters) known = known || p.name == key;
            if (known) scope->set(key, value);
            else extraNamed.emplace_back(Value::string(key), value);
        }
        for (size_t i = args.positional.size(); i < parameters.size(); ++i) {
            const auto& p = parameters[i];
            if (args.namedValue(p.name)) continue;
            scope->set(p.name, p.defaultValue ? evaluate(*p.defaultValue)
                                              : Value::undefined("parameter '" + p.name + "' of macro '" + name + "' was not provided"));
        }
        scope->set("varargs", Value::tuple(extra));
        scope->set("kwargs", Value::dict(extraNamed));
        std::string text;
        execute(body, text);
        return Value::string(text);
    });
}

void Interpreter::executeCallBlock(const CallBlockNode& node, std::string& out) {
    const Value caller = makeMacro("caller", node.parameters, node.body);
    const Value callee = evaluate(*node.call->callee);
    Args args = evaluateArguments(node.call->arguments);
    args.named.emplace_back("caller", caller);
    out += toStr(callValue(callee, args));
}

}  // namespace l1ra::jinja
