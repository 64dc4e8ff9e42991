#pragma once
// A Jinja2 template as transformers renders chat templates: Jinja 3.1 semantics in an immutable sandbox with
// trim_blocks and lstrip_blocks, the loopcontrols extension (break, continue), the {% generation %} tag, a tojson
// filter that keeps non-ASCII text and key order, and the raise_exception and strftime_now globals.
// docs/chat-templates.md lists what is supported and what is refused.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/source_text.h"

namespace l1ra::jinja {

class Template {
public:
    struct Rendering {
        std::string text;
        std::vector<std::pair<size_t, size_t>> generated;   // byte ranges that {% generation %} blocks rendered
    };

    // Parses `text`; `sourceName` names it in errors, e.g. "DIR/tokenizer_config.json, field chat_template".
    // Throws l1ra::Error naming the source, line and column of a syntax error.
    Template(const std::string& text, const std::string& sourceName);

    // Renders with `variables` (beside the globals); a failure, including raise_exception(), throws l1ra::Error
    // naming the source, line and column. Safe to call from several threads at once.
    Rendering render(const std::vector<std::pair<std::string, Value>>& variables) const;
    const std::string& sourceName() const;

private:
    std::shared_ptr<const SourceText> source_;
    std::shared_ptr<const NodeList> nodes_;
};

}  // namespace l1ra::jinja
