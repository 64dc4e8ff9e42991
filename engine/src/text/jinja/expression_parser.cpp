#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "text/jinja/parser_impl.h"

namespace l1ra::jinja {

ExprPtr Parser::parseExpression(bool withConditional) {
    NestingGuard guard(*this);
    if (!withConditional) return parseOr();
    ExprPtr node = parseOr();
    while (isName("if")) {
        auto conditional = std::make_unique<ConditionalExpr>(advance().offset);
        conditional->condition = parseOr();
        if (skipName("else")) conditional->otherwise = parseExpression(true);
        conditional->then = std::move(node);
        node = std::move(conditional);
    }
    return node;
}

bool Parser::atTupleEnd(const char* extraEnd) const {
    const Token& t = current();
    if (t.type == TokenType::VariableEnd || t.type == TokenType::BlockEnd || t.type == TokenType::End) return true;
    if (t.type == TokenType::Operator && t.text == ")") return true;
    return extraEnd && isName(extraEnd);
}

// "a", "a, b" (a tuple), or "()" with explicit parentheses.
ExprPtr Parser::parseTuple(bool withConditional, const char* extraEnd, bool explicitParentheses) {
    const size_t offset = current().offset;
    std::vector<ExprPtr> items;
    bool isTuple = false;
    while (true) {
        if (!items.empty()) expectOperator(",");
        if (atTupleEnd(extraEnd)) break;
        items.push_back(parseExpression(withConditional));
        if (isOperator(",")) isTuple = true;
        else break;
    }
    if (!isTuple) {
        if (!items.empty()) return std::move(items[0]);
        if (!explicitParentheses) error("expected an expression, got " + describe(current()));
    }
    auto tuple = std::make_unique<ListExpr>(offset, true);
    tuple->items = std::move(items);
    return tuple;
}

// One level of left-associative binary operators: operand (op operand)*. Operators are symbols or the names
// "and" and "or".
ExprPtr Parser::parseBinaryLevel(ExprPtr (Parser::*operand)(), std::initializer_list<const char*> operators) {
    ExprPtr left = (this->*operand)();
    NestingGuard chain(*this, false);
    while (true) {
        const Token& t = current();
        const bool matches = (t.type == TokenType::Operator || t.type == TokenType::Name) &&
                             std::any_of(operators.begin(), operators.end(), [&](const char* op) { return t.text == op; });
        if (!matches) return left;
        chain.step();
        const Token& op = advance();
        left = std::make_unique<BinaryExpr>(op.offset, op.text, std::move(left), (this->*operand)());
    }
}

ExprPtr Parser::parseOr() { return parseBinaryLevel(&Parser::parseAnd, {"or"}); }
ExprPtr Parser::parseAnd() { return parseBinaryLevel(&Parser::parseNot, {"and"}); }

ExprPtr Parser::parseNot() {
    NestingGuard guard(*this);
    if (isName("not")) {
        const size_t offset = advance().offset;
        return std::make_unique<UnaryExpr>(offset, "not", parseNot());
    }
    return parseCompare();
}

ExprPtr Parser::parseCompare() {
    ExprPtr first = parseAdditive();
    std::unique_ptr<CompareExpr> compare;
    while (true) {
        std::string op;
        const size_t offset = current().offset;
        static const char* operators[] = {"==", "!=", "<", "<=", ">", ">="};
        for (const char* o : operators)
            if (isOperator(o)) op = o;
        if (!op.empty()) advance();
        else if (skipName("in")) op = "in";
        else if (isName("not") && lookahead().type == TokenType::Name && lookahead().text == "in") {
            advance();
            advance();
            op = "notin";
        } else {
            break;
        }
        if (!compare) compare = std::make_unique<CompareExpr>(offset, std::move(first));
        compare->rest.emplace_back(op, parseAdditive());
    }
    if (compare) return compare;
    return first;
}

ExprPtr Parser::parseAdditive() { return parseBinaryLevel(&Parser::parseConcat, {"+", "-"}); }
ExprPtr Parser::parseConcat() { return parseBinaryLevel(&Parser::parseMultiplicative, {"~"}); }
ExprPtr Parser::parseMultiplicative() { return parseBinaryLevel(&Parser::parsePower, {"*", "/", "//", "%"}); }

// Jinja's ** groups from the left: 2 ** 3 ** 2 is 64.
ExprPtr Parser::parsePower() { return parseBinaryLevel(&Parser::parseSignedOperand, {"**"}); }
ExprPtr Parser::parseSignedOperand() { return parseUnary(true); }

// A sign applies to the operand without its filters: "-x|abs" is abs(-x).
ExprPtr Parser::parseUnary(bool withFilters) {
    NestingGuard guard(*this);
    ExprPtr node;
    if (isOperator("-") || isOperator("+")) {
        const Token& op = advance();
        node = std::make_unique<UnaryExpr>(op.offset, op.text, parseUnary(false));
    } else {
        node = parsePrimary();
    }
    node = parsePostfix(std::move(node));
    return withFilters ? parseFiltersAndTests(std::move(node)) : std::move(node);
}

// Decimal, or 0x / 0o / 0b with underscores between digits, as Python writes integers.
int64_t Parser::integerLiteral(const Token& t) const {
    std::string digits = t.text;
    digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && std::isalpha(static_cast<unsigned char>(digits[1]))) {
        const char prefix = char(std::tolower(static_cast<unsigned char>(digits[1])));
        base = prefix == 'x' ? 16 : prefix == 'o' ? 8 : prefix == 'b' ? 2 : 0;
        digits = digits.substr(2);
    }
    char* end = nullptr;
    errno = 0;
    const long long value = base ? std::strtoll(digits.c_str(), &end, base) : 0;
    if (!base || digits.empty() || *end != 0) errorAt(t.offset, "invalid integer literal '" + t.text + "'");
    if (errno == ERANGE) errorAt(t.offset, "integer literal " + t.text + " does not fit in 64 bits");
    return value;
}

ExprPtr Parser::parsePrimary() {
    const Token& t = current();
    if (t.type == TokenType::Name) {
        advance();
        if (t.text == "true" || t.text == "True") return std::make_unique<LiteralExpr>(t.offset, Value::boolean(true));
        if (t.text == "false" || t.text == "False") return std::make_unique<LiteralExpr>(t.offset, Value::boolean(false));
        if (t.text == "none" || t.text == "None") return std::make_unique<LiteralExpr>(t.offset, Value::none());
        return std::make_unique<NameExpr>(t.offset, t.text);
    }
    if (t.type == TokenType::String) {
        std::string text;
        while (current().type == TokenType::String) text += advance().text;   // adjacent literals join
        return std::make_unique<LiteralExpr>(t.offset, Value::string(text));
    }
    if (t.type == TokenType::Integer) {
        advance();
        return std::make_unique<LiteralExpr>(t.offset, Value::integer(integerLiteral(t)));
    }
    if (t.type == TokenType::Float) {
        advance();
        return std::make_unique<LiteralExpr>(t.offset, Value::number(std::strtod(t.text.c_str(), nullptr)));
    }
    if (isOperator("(")) {
        advance();
        ExprPtr inner = parseTuple(true, nullptr, true);
        expectOperator(")");
        return inner;
    }
    if (isOperator("[")) return parseCollection(false);
    if (isOperator("{")) return parseCollection(true);
    error("unexpected " + describe(t));
}

ExprPtr Parser::parseCollection(bool dict) {
    const size_t offset = advance().offset;
    const char* close = dict ? "}" : "]";
    auto list = std::make_unique<ListExpr>(offset, false);
    auto map = std::make_unique<DictExpr>(offset);
    while (!isOperator(close)) {
        if (!list->items.empty() || !map->entries.empty()) expectOperator(",");
        if (isOperator(close)) break;
        ExprPtr item = parseExpression();
        if (dict) {
            expectOperator(":");
            map->entries.emplace_back(std::move(item), parseExpression());
        } else {
            list->items.push_back(std::move(item));
        }
    }
    expectOperator(close);
    if (dict) return map;
    return list;
}

ExprPtr Parser::parsePostfix(ExprPtr node) {
    NestingGuard chain(*this, false);
    for (;; chain.step()) {
        if (isOperator(".") || isOperator("[")) {
            node = parseSubscript(std::move(node));
        } else if (isOperator("(")) {
            node = parseCall(std::move(node));
        } else {
            return node;
        }
    }
}

ExprPtr Parser::parseCall(ExprPtr callee) {
    auto call = std::make_unique<CallExpr>(callee->offset, std::move(callee));
    call->arguments = parseCallArguments();
    return call;
}

ExprPtr Parser::parseFiltersAndTests(ExprPtr node) {
    NestingGuard chain(*this, false);
    for (;; chain.step()) {
        if (isOperator("|")) {
            node = parseFilter(std::move(node), true);
        } else if (isName("is")) {
            node = parseTest(std::move(node));
        } else if (isOperator("(")) {
            node = parseCall(std::move(node));
        } else {
            return node;
        }
    }
}

// Access nodes carry the offset of the whole expression, so an error points at its start.
ExprPtr Parser::parseSubscript(ExprPtr node) {
    const size_t offset = node->offset;
    const Token& t = advance();
    if (t.text == ".") {
        const Token& attribute = advance();
        if (attribute.type == TokenType::Name) return std::make_unique<AttributeExpr>(offset, std::move(node), attribute.text);
        if (attribute.type == TokenType::Integer) {
            auto key = std::make_unique<LiteralExpr>(attribute.offset, Value::integer(integerLiteral(attribute)));
            return std::make_unique<ItemExpr>(offset, std::move(node), std::move(key));
        }
        errorAt(attribute.offset, "expected a name or number after '.', got " + describe(attribute));
    }
    std::vector<ExprPtr> keys;
    while (!isOperator("]")) {
        if (!keys.empty()) expectOperator(",");
        keys.push_back(parseSubscribed());
    }
    expectOperator("]");
    if (keys.empty()) errorAt(t.offset, "expected a subscript");
    if (keys.size() > 1) {
        auto tuple = std::make_unique<ListExpr>(t.offset, true);
        tuple->items = std::move(keys);
        return std::make_unique<ItemExpr>(offset, std::move(node), std::move(tuple));
    }
    if (keys[0]->type == Expr::Type::Slice) {
        auto& slice = static_cast<SliceExpr&>(*keys[0]);
        slice.object = std::move(node);
        slice.offset = offset;
        return std::move(keys[0]);
    }
    return std::make_unique<ItemExpr>(offset, std::move(node), std::move(keys[0]));
}

// One subscript: an expression or a slice "start:stop:step" (the sliced object is filled in by the caller).
ExprPtr Parser::parseSubscribed() {
    const size_t offset = current().offset;
    ExprPtr start;
    if (!isOperator(":")) {
        start = parseExpression();
        if (!isOperator(":")) return start;
    }
    advance();
    auto slice = std::make_unique<SliceExpr>(offset, nullptr);
    slice->start = std::move(start);
    if (!isOperator("]") && !isOperator(",") && !isOperator(":")) slice->stop = parseExpression();
    if (skipOperator(":") && !isOperator("]") && !isOperator(",")) slice->step = parseExpression();
    return slice;
}

CallArguments Parser::parseCallArguments() {
    expectOperator("(");
    CallArguments arguments;
    bool needComma = false;
    while (!isOperator(")")) {
        if (needComma) {
            expectOperator(",");
            if (isOperator(")")) break;
        }
        if (isOperator("*") || isOperator("**")) error("*args and **kwargs in calls are not supported");
        if (current().type == TokenType::Name && lookahead().type == TokenType::Operator && lookahead().text == "=") {
            std::string name = advance().text;
            advance();
            arguments.named.emplace_back(name, parseExpression());
        } else {
            if (!arguments.named.empty()) error("a positional argument follows a keyword argument");
            arguments.positional.push_back(parseExpression());
        }
        needComma = true;
    }
    expectOperator(")");
    return arguments;
}

std::string Parser::parseDottedName() {
    std::string name = expectName();
    while (isOperator(".")) {
        advance();
        name += "." + expectName();
    }
    return name;
}

std::unique_ptr<FilterExpr> Parser::parseFilter(ExprPtr operand, bool leadingPipe) {
    if (leadingPipe) expectOperator("|");
    const size_t offset = current().offset;
    auto filter = std::make_unique<FilterExpr>(offset, std::move(operand), parseDottedName());
    if (isOperator("(")) filter->arguments = parseCallArguments();
    return filter;
}

// "x is name", "x is not name", "x is name(args)" or "x is name arg" (one primary argument without parentheses).
ExprPtr Parser::parseTest(ExprPtr operand) {
    const size_t offset = advance().offset;
    const bool negated = skipName("not");
    auto test = std::make_unique<TestExpr>(offset, std::move(operand), parseDottedName(), negated);
    const Token& t = current();
    const bool argumentStarts = t.type == TokenType::Name || t.type == TokenType::String || t.type == TokenType::Integer ||
                                t.type == TokenType::Float || isOperator("[") || isOperator("{");
    if (isOperator("(")) {
        test->arguments = parseCallArguments();
    } else if (argumentStarts && !isName("else") && !isName("or") && !isName("and")) {
        if (isName("is")) error("tests cannot be chained with 'is'");
        test->arguments.positional.push_back(parsePostfix(parsePrimary()));
    }
    return test;
}

}  // namespace l1ra::jinja
