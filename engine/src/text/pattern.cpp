#include "text/pattern.h"

namespace l1ra::text {

Pattern::Pattern(const JsonField& field) {
    if (field.has("String")) {
        literal_ = field["String"].string();
    } else if (field.has("Regex")) {
        regex_ = std::make_shared<Regex>(field["Regex"].string(), field["Regex"].where());
    } else {
        field.fail("must be {\"String\": ...} or {\"Regex\": ...}");
    }
}

Pattern Pattern::literal(std::string text) {
    Pattern p;
    p.literal_ = std::move(text);
    return p;
}

std::vector<std::pair<std::size_t, std::size_t>> Pattern::findAll(std::string_view subject) const {
    if (regex_) return regex_->findAll(subject);
    std::vector<std::pair<std::size_t, std::size_t>> matches;
    if (literal_.empty()) return matches;
    for (std::size_t at = subject.find(literal_); at != std::string_view::npos; at = subject.find(literal_, at + literal_.size()))
        matches.emplace_back(at, at + literal_.size());
    return matches;
}

}  // namespace l1ra::text
