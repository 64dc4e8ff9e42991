#pragma once
// Builds the statement tree from the tokens, with Jinja2's grammar and operator precedence.
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/lexer.h"

namespace l1ra::jinja {

// Throws l1ra::Error naming the source, line and column of a syntax error or of a tag this subset refuses.
NodeList parseTemplate(const SourceText& source, const std::vector<Token>& tokens);

}  // namespace l1ra::jinja
