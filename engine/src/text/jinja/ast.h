#pragma once
// The parsed form of a template: expressions and statements, each remembering where it starts in the source so
// that a failure while rendering names the line and column.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "text/jinja/value.h"

namespace l1ra::jinja {

struct Expr {
    enum class Type { Literal, Name, List, Dict, Attribute, Item, Slice, Call, Filter, Test, Unary, Binary, Compare,
                      Conditional };
    Expr(Type t, size_t o) : type(t), offset(o) {}
    virtual ~Expr() = default;
    Type type;
    size_t offset;
};
using ExprPtr = std::unique_ptr<Expr>;

struct CallArguments {
    std::vector<ExprPtr> positional;
    std::vector<std::pair<std::string, ExprPtr>> named;
};

struct LiteralExpr : Expr {
    LiteralExpr(size_t o, Value v) : Expr(Type::Literal, o), value(std::move(v)) {}
    Value value;
};

struct NameExpr : Expr {
    NameExpr(size_t o, std::string n) : Expr(Type::Name, o), name(std::move(n)) {}
    std::string name;
};

struct ListExpr : Expr {   // [a, b] or (a, b)
    ListExpr(size_t o, bool t) : Expr(Type::List, o), tuple(t) {}
    bool tuple;
    std::vector<ExprPtr> items;
};

struct DictExpr : Expr {
    explicit DictExpr(size_t o) : Expr(Type::Dict, o) {}
    std::vector<std::pair<ExprPtr, ExprPtr>> entries;
};

struct AttributeExpr : Expr {   // object.name
    AttributeExpr(size_t o, ExprPtr obj, std::string n) : Expr(Type::Attribute, o), object(std::move(obj)), name(std::move(n)) {}
    ExprPtr object;
    std::string name;
};

struct ItemExpr : Expr {   // object[key]
    ItemExpr(size_t o, ExprPtr obj, ExprPtr k) : Expr(Type::Item, o), object(std::move(obj)), key(std::move(k)) {}
    ExprPtr object, key;
};

struct SliceExpr : Expr {   // object[start:stop:step], each part optional
    SliceExpr(size_t o, ExprPtr obj) : Expr(Type::Slice, o), object(std::move(obj)) {}
    ExprPtr object, start, stop, step;
};

struct CallExpr : Expr {
    CallExpr(size_t o, ExprPtr c) : Expr(Type::Call, o), callee(std::move(c)) {}
    ExprPtr callee;
    CallArguments arguments;
};

struct FilterExpr : Expr {   // operand | name(arguments); the operand is null in {% filter %} and {% set x | f %}
    FilterExpr(size_t o, ExprPtr operand_, std::string n) : Expr(Type::Filter, o), operand(std::move(operand_)), name(std::move(n)) {}
    ExprPtr operand;
    std::string name;
    CallArguments arguments;
};

struct TestExpr : Expr {   // operand is [not] name(arguments)
    TestExpr(size_t o, ExprPtr operand_, std::string n, bool neg) : Expr(Type::Test, o), operand(std::move(operand_)), name(std::move(n)), negated(neg) {}
    ExprPtr operand;
    std::string name;
    bool negated;
    CallArguments arguments;
};

struct UnaryExpr : Expr {   // "-", "+" or "not"
    UnaryExpr(size_t o, std::string op_, ExprPtr e) : Expr(Type::Unary, o), op(std::move(op_)), operand(std::move(e)) {}
    std::string op;
    ExprPtr operand;
};

struct BinaryExpr : Expr {   // + - * / // % ** ~ and or
    BinaryExpr(size_t o, std::string op_, ExprPtr l, ExprPtr r) : Expr(Type::Binary, o), op(std::move(op_)), left(std::move(l)), right(std::move(r)) {}
    std::string op;
    ExprPtr left, right;
};

struct CompareExpr : Expr {   // first op1 e1 op2 e2 ... (chained as in Python); ops: == != < <= > >= in notin
    CompareExpr(size_t o, ExprPtr f) : Expr(Type::Compare, o), first(std::move(f)) {}
    ExprPtr first;
    std::vector<std::pair<std::string, ExprPtr>> rest;
};

struct ConditionalExpr : Expr {   // then if condition else otherwise (otherwise may be null: undefined)
    explicit ConditionalExpr(size_t o) : Expr(Type::Conditional, o) {}
    ExprPtr condition, then, otherwise;
};

struct Node {
    enum class Type { Text, Output, If, For, Set, SetBlock, Macro, CallBlock, FilterBlock, With, Break, Continue,
                      Generation };
    Node(Type t, size_t o) : type(t), offset(o) {}
    virtual ~Node() = default;
    Type type;
    size_t offset;
};
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

struct TextNode : Node {
    TextNode(size_t o, std::string t) : Node(Type::Text, o), text(std::move(t)) {}
    std::string text;
};

struct OutputNode : Node {
    OutputNode(size_t o, ExprPtr e) : Node(Type::Output, o), expr(std::move(e)) {}
    ExprPtr expr;
};

struct IfNode : Node {
    explicit IfNode(size_t o) : Node(Type::If, o) {}
    std::vector<std::pair<ExprPtr, NodeList>> branches;   // if, elif, ...
    NodeList otherwise;
};

struct ForNode : Node {
    explicit ForNode(size_t o) : Node(Type::For, o) {}
    std::vector<std::string> targets;   // one name, or several to unpack each item into
    ExprPtr iterable, filter;           // filter: "for x in xs if cond", may be null
    NodeList body, otherwise;
};

struct SetNode : Node {   // set a = e; set a, b = e; set ns.attr = e
    explicit SetNode(size_t o) : Node(Type::Set, o) {}
    std::vector<std::string> targets;
    std::string attribute;   // non-empty for "set ns.attr"
    ExprPtr value;
};

struct SetBlockNode : Node {   // {% set a | filters %}body{% endset %}
    explicit SetBlockNode(size_t o) : Node(Type::SetBlock, o) {}
    std::string target;
    std::vector<std::unique_ptr<FilterExpr>> filters;   // applied in order to the rendered body
    NodeList body;
};

struct MacroParameter {
    std::string name;
    ExprPtr defaultValue;   // null: undefined when not passed
};

struct MacroNode : Node {
    explicit MacroNode(size_t o) : Node(Type::Macro, o) {}
    std::string name;
    std::vector<MacroParameter> parameters;
    NodeList body;
};

struct CallBlockNode : Node {   // {% call(params) macro(args) %}body{% endcall %}: body is the macro's caller()
    explicit CallBlockNode(size_t o) : Node(Type::CallBlock, o) {}
    std::unique_ptr<CallExpr> call;
    std::vector<MacroParameter> parameters;
    NodeList body;
};

struct FilterBlockNode : Node {
    explicit FilterBlockNode(size_t o) : Node(Type::FilterBlock, o) {}
    std::vector<std::unique_ptr<FilterExpr>> filters;
    NodeList body;
};

struct WithNode : Node {
    explicit WithNode(size_t o) : Node(Type::With, o) {}
    std::vector<std::pair<std::string, ExprPtr>> assignments;
    NodeList body;
};

struct GenerationNode : Node {   // transformers' {% generation %}: marks assistant text, renders its body
    explicit GenerationNode(size_t o) : Node(Type::Generation, o) {}
    NodeList body;
};

}  // namespace l1ra::jinja
