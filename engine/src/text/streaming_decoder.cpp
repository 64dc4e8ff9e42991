// Streaming decode: the text of the tokens since the last output, decoded together with the tokens of that
// output as context (so that a decoder's "first token" rules do not apply again), held back while it ends in
// U+FFFD (a character still waiting for its bytes).
#include "l1ra/text_tokenizer.h"
#include "text/utf8.h"

#include <algorithm>

namespace l1ra {

StreamingDecoder::StreamingDecoder(std::shared_ptr<const Tokenizer> tokenizer, bool skipSpecial)
    : tokenizer_(std::move(tokenizer)), skipSpecial_(skipSpecial) {}

void StreamingDecoder::prime(const std::vector<int64_t>& context) {
    // The last few tokens are context enough for any decoder rule; the whole prompt would be decoded every token.
    const std::size_t keep = std::min<std::size_t>(context.size(), 8);
    window_.assign(context.end() - long(keep), context.end());
    contextTokens_ = window_.size();
    contextText_ = tokenizer_->decode(window_, skipSpecial_);
}

std::string StreamingDecoder::push(int64_t id) {
    window_.push_back(id);
    const std::string text = tokenizer_->decode(window_, skipSpecial_);
    if (text.size() <= contextText_.size() || text::endsWithReplacementChar(text)) return {};
    std::string fresh;
    if (text.compare(0, contextText_.size(), contextText_) == 0) {
        fresh = text.substr(contextText_.size());
    } else {   // the new tokens changed how the context decodes (broken bytes): give them on their own
        fresh = tokenizer_->decode(std::vector<int64_t>(window_.begin() + long(contextTokens_), window_.end()), skipSpecial_);
    }
    window_.erase(window_.begin(), window_.begin() + long(contextTokens_));
    contextTokens_ = window_.size();
    contextText_ = tokenizer_->decode(window_, skipSpecial_);
    return fresh;
}

std::string StreamingDecoder::flush() {
    std::string rest;
    if (window_.size() > contextTokens_) {
        const std::string text = tokenizer_->decode(window_, skipSpecial_);
        if (text.compare(0, contextText_.size(), contextText_) == 0) rest = text.substr(contextText_.size());
        else rest = tokenizer_->decode(std::vector<int64_t>(window_.begin() + long(contextTokens_), window_.end()), skipSpecial_);
    }
    window_.clear();
    contextTokens_ = 0;
    contextText_.clear();
    return rest;
}

}  // namespace l1ra
