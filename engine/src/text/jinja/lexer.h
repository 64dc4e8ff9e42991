#pragma once
// Splits a template into text and the tokens inside {{ }} and {% %}, applying Jinja's whitespace control as
// transformers configures it: "-" strips all whitespace on that side of a tag, trim_blocks drops the first newline
// after a block or comment tag, lstrip_blocks drops spaces before one on its line, and "+" turns both off.
#include <string>
#include <vector>

#include "text/jinja/source_text.h"

namespace l1ra::jinja {

enum class TokenType { Data, VariableBegin, VariableEnd, BlockBegin, BlockEnd, Name, String, Integer, Float, Operator, End };

struct Token {
    TokenType type;
    std::string text;   // a string literal's value (escapes resolved), a name, a number's digits, an operator
    size_t offset;      // where the token starts in the source text
};

std::vector<Token> tokenize(const SourceText& source);   // throws l1ra::Error naming source, line and column

}  // namespace l1ra::jinja
