#pragma once
// A template's text as Jinja sees it, with its name, so every error can say where it happened.
#include <string>
#include <vector>

namespace l1ra::jinja {

class SourceText {
public:
    // Line ends become "\n" and one final line end is dropped, as Jinja's lexer does (keep_trailing_newline=False).
    SourceText(std::string name, const std::string& rawText);

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }
    // "NAME, line 3, column 14: message" (both counted from 1, the column in characters).
    std::string located(size_t offset, const std::string& message) const;
    [[noreturn]] void error(size_t offset, const std::string& message) const;   // throws l1ra::Error

private:
    std::string name_;
    std::string text_;
    std::vector<size_t> lineStarts_;
};

}  // namespace l1ra::jinja
