#include "text/aligned_text.h"

#include <algorithm>

namespace l1ra::text {

AlignedText AlignedText::original(std::string_view text, std::size_t base) {
    AlignedText t;
    t.text_.assign(text.data(), text.size());
    t.base_ = base;
    return t;
}

TextSpan AlignedText::originalSpan(std::size_t begin, std::size_t end) const {
    if (spans_.empty()) return {base_ + begin, base_ + end};
    TextSpan span = spans_[begin];
    for (std::size_t i = begin + 1; i < end; ++i) {
        span.begin = std::min(span.begin, spans_[i].begin);
        span.end = std::max(span.end, spans_[i].end);
    }
    return span;
}

std::size_t AlignedText::originalBegin() const {
    if (spans_.empty() || text_.empty()) return base_;
    return spans_.front().begin;
}

AlignedText AlignedText::slice(std::size_t begin, std::size_t end) const {
    AlignedText t;
    t.text_ = text_.substr(begin, end - begin);
    if (spans_.empty()) {
        t.base_ = base_ + begin;
    } else {
        t.spans_.assign(spans_.begin() + long(begin), spans_.begin() + long(end));
    }
    return t;
}

void AlignedText::Builder::append(std::string_view bytes, TextSpan from) {
    text_.append(bytes.data(), bytes.size());
    spans_.insert(spans_.end(), bytes.size(), from);
}

void AlignedText::Builder::appendSlice(const AlignedText& source, std::size_t begin, std::size_t end) {
    text_.append(source.text_, begin, end - begin);
    if (source.spans_.empty()) {
        const std::size_t at = spans_.size();
        spans_.resize(at + (end - begin));
        for (std::size_t i = begin; i < end; ++i) spans_[at + i - begin] = {source.base_ + i, source.base_ + i + 1};
    } else {
        spans_.insert(spans_.end(), source.spans_.begin() + long(begin), source.spans_.begin() + long(end));
    }
}

AlignedText AlignedText::Builder::finish() {
    AlignedText t;
    t.text_ = std::move(text_);
    t.spans_ = std::move(spans_);
    text_.clear();
    spans_.clear();
    return t;
}

}  // namespace l1ra::text
