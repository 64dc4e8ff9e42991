#include "text/jinja/template.h"

#include "text/jinja/builtins.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/lexer.h"
#include "text/jinja/parser.h"

namespace l1ra::jinja {

Template::Template(const std::string& text, const std::string& sourceName)
    : source_(std::make_shared<SourceText>(sourceName, text)) {
    nodes_ = std::make_shared<NodeList>(parseTemplate(*source_, tokenize(*source_)));
}

Template::Rendering Template::render(const std::vector<std::pair<std::string, Value>>& variables) const {
    auto globals = std::make_shared<Scope>();
    for (const auto& [name, value] : globalFunctions()) globals->set(name, value);
    for (const auto& [name, value] : variables) globals->set(name, value);
    Interpreter interpreter(*source_);
    Rendering rendering;
    rendering.text = interpreter.render(*nodes_, globals);
    for (const auto& range : interpreter.generatedRanges()) rendering.generated.emplace_back(range.begin, range.end);
    return rendering;
}

const std::string& Template::sourceName() const { return source_->name(); }

}  // namespace l1ra::jinja
