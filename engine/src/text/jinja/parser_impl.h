#pragma once
// The parser's state, shared by the statement part (parser.cpp) and the expression part (expression_parser.cpp).
#include <initializer_list>
#include <string>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/lexer.h"

namespace l1ra::jinja {

class Parser {
public:
    Parser(const SourceText& source, const std::vector<Token>& tokens) : source_(source), tokens_(tokens) {}

    NodeList parseAll();

    // Expressions, following Jinja2's precedence: conditional < or < and < not < comparison < + - < ~ < * / // %
    // < ** < unary minus < postfix (. [] ()) < filters and tests.
    ExprPtr parseExpression(bool withConditional = true);
    ExprPtr parseTuple(bool withConditional = true, const char* extraEnd = nullptr, bool explicitParentheses = false);

private:
    const SourceText& source_;
    const std::vector<Token>& tokens_;
    size_t at_ = 0;
    int loopDepth_ = 0;
    int nesting_ = 0;   // expressions and statements being parsed inside each other
    friend class NestingGuard;

    // Token helpers.
    const Token& current() const { return tokens_[at_]; }
    const Token& lookahead() const { return tokens_[at_ + 1 < tokens_.size() ? at_ + 1 : at_]; }
    const Token& advance() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
    bool isOperator(const char* op) const;
    bool isName(const char* name) const;
    bool skipOperator(const char* op);
    bool skipName(const char* name);
    void expectOperator(const char* op);
    std::string expectName();
    void expectBlockEnd();
    [[noreturn]] void error(const std::string& message) const;
    [[noreturn]] void errorAt(size_t offset, const std::string& message) const;
    std::string describe(const Token& token) const;

    // Statements.
    NodeList parseBody(const std::vector<std::string>& endTags, std::string* endTag = nullptr);
    bool closesABlock(const Token& t) const;                                   // endif, endfor, elif, else, ...
    std::string expectedTags(const std::vector<std::string>& endTags) const;   // "; expected 'endif' or 'else'"
    NodePtr parseStatement();
    NodePtr parseIf(size_t offset);
    NodePtr parseFor(size_t offset);
    NodePtr parseSet(size_t offset);
    NodePtr parseMacro(size_t offset);
    NodePtr parseCallBlock(size_t offset);
    NodePtr parseFilterBlock(size_t offset);
    NodePtr parseWith(size_t offset);
    NodePtr parseLoopControl(size_t offset, bool isBreak);
    NodeList parseBlockBody(const char* endTag);
    std::vector<std::string> parseTargets(const char* extraEnd);
    std::vector<MacroParameter> parseSignature();

    // Expression levels.
    ExprPtr parseBinaryLevel(ExprPtr (Parser::*operand)(), std::initializer_list<const char*> operators);
    ExprPtr parseOr();
    ExprPtr parseAnd();
    ExprPtr parseNot();
    ExprPtr parseCompare();
    ExprPtr parseAdditive();
    ExprPtr parseConcat();
    ExprPtr parseMultiplicative();
    ExprPtr parsePower();
    ExprPtr parseSignedOperand();
    ExprPtr parseUnary(bool withFilters);
    ExprPtr parsePrimary();
    ExprPtr parseCollection(bool dict);
    ExprPtr parsePostfix(ExprPtr node);
    ExprPtr parseCall(ExprPtr callee);
    ExprPtr parseFiltersAndTests(ExprPtr node);
    ExprPtr parseSubscript(ExprPtr node);
    ExprPtr parseSubscribed();
    CallArguments parseCallArguments();
    std::unique_ptr<FilterExpr> parseFilter(ExprPtr operand, bool leadingPipe);
    ExprPtr parseTest(ExprPtr operand);
    std::string parseDottedName();
    int64_t integerLiteral(const Token& t) const;
    bool atTupleEnd(const char* extraEnd) const;
};

// Bounds how deeply expressions and blocks nest (also a long chain of operators or filters, which builds a deep
// tree), so that a pathological template is an error rather than a stack overflow while parsing, rendering or
// freeing it. Each step() adds one level until the guard goes.
class NestingGuard {
public:
    static constexpr int limit = 256;
    explicit NestingGuard(Parser& parser, bool stepNow = true) : parser_(parser) {
        if (stepNow) step();
    }
    ~NestingGuard() { parser_.nesting_ -= levels_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

    void step() {
        ++levels_;
        if (++parser_.nesting_ > limit) parser_.error("expressions or blocks nest more than " + std::to_string(limit) + " deep");
    }

private:
    Parser& parser_;
    int levels_ = 0;
};

}  // namespace l1ra::jinja
