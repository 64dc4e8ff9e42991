#pragma once
// Text on its way through normalizers and pre-tokenizers, remembering for each byte the bytes [begin, end) of
// the original input it came from: token offsets are read from it. Untouched text stores no table.
#include "l1ra/text_tokenizer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace l1ra::text {

class AlignedText {
public:
    AlignedText() = default;
    static AlignedText original(std::string_view text, std::size_t base);   // byte i came from byte base + i

    const std::string& str() const { return text_; }
    bool empty() const { return text_.empty(); }
    std::size_t size() const { return text_.size(); }

    TextSpan originalSpan(std::size_t begin, std::size_t end) const;   // of the bytes [begin, end), end > begin
    std::size_t originalBegin() const;                                 // where the first byte came from
    AlignedText slice(std::size_t begin, std::size_t end) const;

    // Builds a transformed text piece by piece: each appended piece names the original bytes it stands for.
    class Builder {
    public:
        void append(std::string_view bytes, TextSpan from);
        void appendSlice(const AlignedText& source, std::size_t begin, std::size_t end);   // alignment kept
        AlignedText finish();

    private:
        std::string text_;
        std::vector<TextSpan> spans_;
    };

private:
    std::string text_;
    std::vector<TextSpan> spans_;   // one per byte; empty while byte i still is original byte base_ + i
    std::size_t base_ = 0;
};

}  // namespace l1ra::text
