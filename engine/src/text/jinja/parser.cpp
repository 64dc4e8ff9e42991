#include "text/jinja/parser.h"

#include <algorithm>

#include "text/jinja/parser_impl.h"

namespace l1ra::jinja {

NodeList parseTemplate(const SourceText& source, const std::vector<Token>& tokens) {
    return Parser(source, tokens).parseAll();
}

bool Parser::isOperator(const char* op) const { return current().type == TokenType::Operator && current().text == op; }
bool Parser::isName(const char* name) const { return current().type == TokenType::Name && current().text == name; }

bool Parser::skipOperator(const char* op) {
    if (!isOperator(op)) return false;
    advance();
    return true;
}

bool Parser::skipName(const char* name) {
    if (!isName(name)) return false;
    advance();
    return true;
}

void Parser::expectOperator(const char* op) {
    if (!skipOperator(op)) error(std::string("expected '") + op + "', got " + describe(current()));
}

std::string Parser::expectName() {
    if (current().type != TokenType::Name) error("expected a name, got " + describe(current()));
    return advance().text;
}

void Parser::expectBlockEnd() {
    if (current().type != TokenType::BlockEnd) error("expected the end of the statement ('%}'), got " + describe(current()));
    advance();
}

void Parser::error(const std::string& message) const { errorAt(current().offset, message); }
void Parser::errorAt(size_t offset, const std::string& message) const { source_.error(offset, message); }

std::string Parser::describe(const Token& token) const {
    switch (token.type) {
        case TokenType::End: return "the end of the template";
        case TokenType::BlockEnd: return "'%}'";
        case TokenType::VariableEnd: return "'}}'";
        case TokenType::String: return "a string";
        case TokenType::Data: return "text";
        default: return "'" + token.text + "'";
    }
}

NodeList Parser::parseAll() {
    std::string endTag;
    NodeList body = parseBody({}, &endTag);
    if (current().type != TokenType::End) error("unexpected '" + current().text + "'");
    return body;
}

// Text, {{ }} and statements up to a block that starts with one of endTags (left at that tag's name).
NodeList Parser::parseBody(const std::vector<std::string>& endTags, std::string* endTag) {
    NodeList body;
    while (current().type != TokenType::End) {
        const Token& t = current();
        if (t.type == TokenType::Data) {
            body.push_back(std::make_unique<TextNode>(t.offset, t.text));
            advance();
        } else if (t.type == TokenType::VariableBegin) {
            advance();
            body.push_back(std::make_unique<OutputNode>(t.offset, parseTuple()));
            if (current().type != TokenType::VariableEnd) error("expected '}}', got " + describe(current()));
            advance();
        } else if (t.type == TokenType::BlockBegin) {
            advance();
            if (current().type == TokenType::Name &&
                std::find(endTags.begin(), endTags.end(), current().text) != endTags.end()) {
                if (endTag) *endTag = current().text;
                return body;
            }
            if (closesABlock(current())) error("unexpected '" + current().text + "'" + expectedTags(endTags));
            body.push_back(parseStatement());
            expectBlockEnd();
        } else {
            error("unexpected " + describe(t));
        }
    }
    if (!endTags.empty()) error("unexpected end of template" + expectedTags(endTags));
    return body;
}

bool Parser::closesABlock(const Token& t) const {
    return t.type == TokenType::Name && (t.text.compare(0, 3, "end") == 0 || t.text == "elif" || t.text == "else");
}

std::string Parser::expectedTags(const std::vector<std::string>& endTags) const {
    std::string expected;
    for (const auto& tag : endTags) expected += (expected.empty() ? "; expected '" : " or '") + tag + "'";
    return expected;
}

NodePtr Parser::parseStatement() {
    NestingGuard guard(*this);
    const Token& t = current();
    if (t.type != TokenType::Name) error("expected a statement name, got " + describe(t));
    const std::string tag = t.text;
    const size_t offset = t.offset;
    advance();
    if (tag == "if") return parseIf(offset);
    if (tag == "for") return parseFor(offset);
    if (tag == "set") return parseSet(offset);
    if (tag == "macro") return parseMacro(offset);
    if (tag == "call") return parseCallBlock(offset);
    if (tag == "filter") return parseFilterBlock(offset);
    if (tag == "with") return parseWith(offset);
    if (tag == "break" || tag == "continue") return parseLoopControl(offset, tag == "break");
    if (tag == "print") return std::make_unique<OutputNode>(offset, parseTuple());
    if (tag == "generation") {
        auto node = std::make_unique<GenerationNode>(offset);
        node->body = parseBlockBody("endgeneration");
        return node;
    }
    static const char* refused[] = {"block", "extends", "include", "import", "from", "autoescape", "do"};
    for (const char* r : refused)
        if (tag == r) errorAt(offset, "the '" + tag + "' tag is not supported in chat templates");
    errorAt(offset, "unknown tag '" + tag + "'");
}

// The body of a statement whose header was just parsed, up to and including its end tag.
NodeList Parser::parseBlockBody(const char* endTag) {
    expectBlockEnd();
    NodeList body = parseBody({endTag});
    advance();   // the end tag's name
    return body;
}

NodePtr Parser::parseIf(size_t offset) {
    auto node = std::make_unique<IfNode>(offset);
    std::string endTag = "elif";
    while (endTag == "elif") {
        ExprPtr condition = parseTuple(false);
        expectBlockEnd();
        NodeList body = parseBody({"elif", "else", "endif"}, &endTag);
        advance();
        node->branches.emplace_back(std::move(condition), std::move(body));
    }
    if (endTag == "else") node->otherwise = parseBlockBody("endif");
    return node;
}

std::vector<std::string> Parser::parseTargets(const char* extraEnd) {
    std::vector<std::string> targets;
    const bool parenthesised = skipOperator("(");
    do {
        if (parenthesised && isOperator(")")) break;
        targets.push_back(expectName());
    } while (skipOperator(","));
    if (parenthesised) expectOperator(")");
    if (extraEnd && !isName(extraEnd)) error(std::string("expected '") + extraEnd + "', got " + describe(current()));
    return targets;
}

NodePtr Parser::parseFor(size_t offset) {
    auto node = std::make_unique<ForNode>(offset);
    node->targets = parseTargets("in");
    advance();
    node->iterable = parseTuple(false, "recursive");
    if (skipName("if")) node->filter = parseExpression();
    if (isName("recursive")) error("recursive loops are not supported");
    expectBlockEnd();
    std::string endTag;
    ++loopDepth_;
    node->body = parseBody({"endfor", "else"}, &endTag);
    --loopDepth_;
    advance();
    if (endTag == "else") node->otherwise = parseBlockBody("endfor");
    return node;
}

NodePtr Parser::parseSet(size_t offset) {
    if (current().type == TokenType::Name && lookahead().type == TokenType::Operator && lookahead().text == ".") {
        auto node = std::make_unique<SetNode>(offset);
        node->targets.push_back(advance().text);
        advance();
        node->attribute = expectName();
        expectOperator("=");
        node->value = parseTuple();
        return node;
    }
    std::vector<std::string> targets = parseTargets(nullptr);
    if (skipOperator("=")) {
        auto node = std::make_unique<SetNode>(offset);
        node->targets = std::move(targets);
        node->value = parseTuple();
        return node;
    }
    if (targets.size() != 1) error("a block set assigns to one name");
    auto node = std::make_unique<SetBlockNode>(offset);
    node->target = targets[0];
    while (isOperator("|")) node->filters.push_back(parseFilter(nullptr, true));
    node->body = parseBlockBody("endset");
    return node;
}

std::vector<MacroParameter> Parser::parseSignature() {
    std::vector<MacroParameter> parameters;
    expectOperator("(");
    while (!isOperator(")")) {
        if (!parameters.empty()) expectOperator(",");
        MacroParameter parameter;
        parameter.name = expectName();
        if (skipOperator("=")) parameter.defaultValue = parseExpression();
        else if (!parameters.empty() && parameters.back().defaultValue) error("a parameter without default follows one with a default");
        parameters.push_back(std::move(parameter));
    }
    expectOperator(")");
    return parameters;
}

NodePtr Parser::parseMacro(size_t offset) {
    auto node = std::make_unique<MacroNode>(offset);
    node->name = expectName();
    node->parameters = parseSignature();
    const int outerLoops = loopDepth_;
    loopDepth_ = 0;
    node->body = parseBlockBody("endmacro");
    loopDepth_ = outerLoops;
    return node;
}

NodePtr Parser::parseCallBlock(size_t offset) {
    auto node = std::make_unique<CallBlockNode>(offset);
    if (isOperator("(")) node->parameters = parseSignature();
    ExprPtr call = parseExpression();
    if (call->type != Expr::Type::Call) errorAt(call->offset, "a call block needs a macro call");
    node->call.reset(static_cast<CallExpr*>(call.release()));
    node->body = parseBlockBody("endcall");
    return node;
}

NodePtr Parser::parseFilterBlock(size_t offset) {
    auto node = std::make_unique<FilterBlockNode>(offset);
    node->filters.push_back(parseFilter(nullptr, false));
    while (isOperator("|")) node->filters.push_back(parseFilter(nullptr, true));
    node->body = parseBlockBody("endfilter");
    return node;
}

NodePtr Parser::parseWith(size_t offset) {
    auto node = std::make_unique<WithNode>(offset);
    while (current().type != TokenType::BlockEnd) {
        if (!node->assignments.empty()) expectOperator(",");
        std::string name = expectName();
        expectOperator("=");
        node->assignments.emplace_back(name, parseExpression());
    }
    node->body = parseBlockBody("endwith");
    return node;
}

NodePtr Parser::parseLoopControl(size_t offset, bool isBreak) {
    if (loopDepth_ == 0) errorAt(offset, std::string("'") + (isBreak ? "break" : "continue") + "' outside of a loop");
    return std::make_unique<Node>(isBreak ? Node::Type::Break : Node::Type::Continue, offset);
}

}  // namespace l1ra::jinja
