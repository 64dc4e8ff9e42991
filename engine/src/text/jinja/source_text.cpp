#include "text/jinja/source_text.h"

#include <algorithm>

#include "l1ra/error.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {

static std::string normalizeNewlines(const std::string& raw) {
    std::string text;
    text.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r') {
            text.push_back('\n');
            if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
        } else {
            text.push_back(raw[i]);
        }
    }
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

SourceText::SourceText(std::string name, const std::string& rawText)
    : name_(std::move(name)), text_(normalizeNewlines(rawText)) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') lineStarts_.push_back(i + 1);
}

std::string SourceText::located(size_t offset, const std::string& message) const {
    const auto next = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
    const size_t line = size_t(next - lineStarts_.begin());
    const size_t start = lineStarts_[line - 1];
    const size_t column = codePointCount(text_.substr(start, std::min(offset, text_.size()) - start)) + 1;
    return name_ + ", line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

void SourceText::error(size_t offset, const std::string& message) const { throw Error(located(offset, message)); }

}  // namespace l1ra::jinja
