#pragma once
// Renders a parsed template. Scoping follows Jinja2: a for loop's body gets a fresh scope on every iteration, so
// `set` inside a loop does not leak out of it (namespace objects are the way out); if-blocks open no scope; a
// macro runs in a scope of its own whose parent is the scope it was defined in.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/source_text.h"

namespace l1ra::jinja {

struct Scope {
    std::shared_ptr<Scope> parent;
    std::vector<std::pair<std::string, Value>> variables;

    const Value* find(const std::string& name) const;   // this scope, then its parents
    void set(const std::string& name, Value value);      // in this scope
};

// A byte range of the output that a {% generation %} block rendered.
struct GeneratedRange {
    size_t begin = 0, end = 0;
};

class Interpreter {
public:
    explicit Interpreter(const SourceText& source) : source_(source) {}

    // Renders `nodes` with `globals` as the outermost scope; throws l1ra::Error naming the source, line and column.
    std::string render(const NodeList& nodes, std::shared_ptr<Scope> globals);
    const std::vector<GeneratedRange>& generatedRanges() const { return generated_; }

    Value evaluate(const Expr& expr);   // used by the expression evaluator's helpers

private:
    enum class Flow { Normal, Break, Continue };

    const SourceText& source_;
    std::shared_ptr<Scope> scope_;
    std::string* mainOutput_ = nullptr;
    int macroDepth_ = 0;   // macros running inside each other
    std::vector<GeneratedRange> generated_;

    Flow execute(const NodeList& nodes, std::string& out);
    Flow execute(const Node& node, std::string& out);
    Flow executeIf(const IfNode& node, std::string& out);
    Flow executeFor(const ForNode& node, std::string& out);
    void executeSet(const SetNode& node);
    void executeSetBlock(const SetBlockNode& node);
    void executeFilterBlock(const FilterBlockNode& node, std::string& out);
    void executeWith(const WithNode& node, std::string& out);
    void executeCallBlock(const CallBlockNode& node, std::string& out);
    void executeGeneration(const GenerationNode& node, std::string& out);
    std::string renderInScope(const NodeList& nodes, std::shared_ptr<Scope> scope);
    void assignTargets(const std::vector<std::string>& targets, const Value& value);
    Value makeMacro(const std::string& name, const std::vector<MacroParameter>& parameters, const NodeList& body);
    Value applyFilters(const std::vector<std::unique_ptr<FilterExpr>>& filters, Value value);

    Value evaluateExpr(const Expr& expr);
    Value evaluateName(const NameExpr& expr);
    Value evaluateCollection(const Expr& expr);
    Value evaluateSlice(const SliceExpr& expr);
    Value evaluateCall(const CallExpr& expr);
    Value evaluateFilter(const FilterExpr& expr, const Value* input = nullptr);
    Value evaluateTest(const TestExpr& expr);
    Value evaluateUnary(const UnaryExpr& expr);
    Value evaluateBinary(const BinaryExpr& expr);
    Value evaluateCompare(const CompareExpr& expr);
    Args evaluateArguments(const CallArguments& arguments);
};

}  // namespace l1ra::jinja
