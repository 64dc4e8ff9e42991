#pragma once
// The `pattern` of Split, Replace and the like: {"String": "..."} matched literally, or {"Regex": "..."}.
#include "text/json_field.h"
#include "text/regex.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l1ra::text {

class Pattern {
public:
    explicit Pattern(const JsonField& field);   // refuses anything but String or Regex, naming the field
    static Pattern literal(std::string text);

    // Non-overlapping matches [begin, end), left to right; an empty literal matches nothing.
    std::vector<std::pair<std::size_t, std::size_t>> findAll(std::string_view subject) const;

private:
    Pattern() = default;
    std::string literal_;
    std::shared_ptr<const Regex> regex_;
};

}  // namespace l1ra::text
