#include "text/hf_tokenizer.h"

#include "l1ra/error.h"

#include <algorithm>

namespace l1ra::text {

HfTokenizer::HfTokenizer(const std::string& path, const TokenizerConfig& config) : path_(path) {
    const nlohmann::json json = readJsonFile(path);
    const JsonField top(json, path, "");
    if (!json.is_object()) top.fail("must be a JSON object");
    normalizer_ = makeNormalizer(top["normalizer"]);
    pre_ = makePreTokenizer(top["pre_tokenizer"]);
    readModel(top);
    added_ = AddedTokens(top["added_tokens"], normalizer_.get());
    frame_ = readPostProcessor(top["post_processor"]);
    decoder_ = makeDecoder(top["decoder"]);
    endId_ = model_->endId();
    for (const AddedToken& t : added_.all()) endId_ = std::max(endId_, t.id + 1);
    for (int64_t id : frame_.before) checkId(id);
    for (int64_t id : frame_.after) checkId(id);
    applyConfig(config);
}

void HfTokenizer::readModel(const JsonField& top) {
    const JsonField model = top["model"];
    if (model.isNull()) model.fail("is missing");
    // Files written before the type tag existed are recognised by their merges.
    const std::string type = model.type(model.has("merges") ? "BPE" : "");
    if (type != "BPE") model.unsupportedType(type, "BPE");
    model_ = std::make_unique<BpeModel>(model);
}

// BOS/EOS: tokenizer_config.json's when it names them (null: none), else the post-processor's.
void HfTokenizer::applyConfig(const TokenizerConfig& config) {
    auto resolve = [&](const NamedToken& t, const char* key, int64_t fallback) -> int64_t {
        if (!t.given) return fallback;
        if (t.content.empty()) return -1;
        const int64_t id = tokenId(t.content);
        if (id < 0) throw Error(config.path + ": " + key + " \"" + t.content + "\" is not a token of " + path_);
        return id;
    };
    bos_ = resolve(config.bos, "bos_token", frame_.before.empty() ? -1 : frame_.before.front());
    eos_ = resolve(config.eos, "eos_token", frame_.after.empty() ? -1 : frame_.after.back());
    if (!config.llamaClass()) return;
    // transformers' LlamaTokenizerFast replaces the file's post-processor: [BOS] text [EOS] by the switches.
    frame_ = {};
    if (config.addBosToken.value_or(true)) {
        if (bos_ < 0) throw Error(config.path + ": add_bos_token is on but there is no bos_token");
        frame_.before.push_back(bos_);
    }
    if (config.addEosToken.value_or(false)) {
        if (eos_ < 0) throw Error(config.path + ": add_eos_token is on but there is no eos_token");
        frame_.after.push_back(eos_);
    }
}

void HfTokenizer::checkId(int64_t id) const {
    if (id < 0 || id >= endId_) throw Error(path_ + ": post_processor adds token id " + std::to_string(id) + ", which is outside the vocabulary");
}

TokenEncoding HfTokenizer::encodeWithOffsets(const std::string& text, bool addSpecial) const {
    TokenEncoding out;
    if (addSpecial)
        for (int64_t id : frame_.before) {
            out.ids.push_back(id);
            out.offsets.push_back({0, 0});
        }
    for (const TextSegment& s : added_.split(text, false)) {
        if (s.addedId >= 0) {
            out.ids.push_back(s.addedId);
            out.offsets.push_back({s.begin, s.end});
        } else {
            encodeText(text, s.begin, s.end, out);
        }
    }
    if (addSpecial)
        for (int64_t id : frame_.after) {
            out.ids.push_back(id);
            out.offsets.push_back({text.size(), text.size()});
        }
    return out;
}

// Text between added tokens: normalized, cut again at added tokens matched in normalized form, then words.
void HfTokenizer::encodeText(const std::string& text, std::size_t begin, std::size_t end, TokenEncoding& out) const {
    AlignedText normalized = AlignedText::original(std::string_view(text).substr(begin, end - begin), begin);
    if (normalizer_) normalizer_->apply(normalized);
    for (const TextSegment& s : added_.split(normalized.str(), true)) {
        if (s.addedId >= 0) {
            out.ids.push_back(s.addedId);
            out.offsets.push_back(normalized.originalSpan(s.begin, s.end));
        } else {
            std::vector<AlignedText> words;
            words.push_back(normalized.slice(s.begin, s.end));
            encodeWords(std::move(words), out);
        }
    }
}

void HfTokenizer::encodeWords(std::vector<AlignedText> words, TokenEncoding& out) const {
    if (pre_.pre) pre_.pre->apply(words);
    std::vector<WordToken> tokens;
    for (const AlignedText& word : words) {
        tokens.clear();
        model_->tokenize(word.str(), pre_.byteLevel, tokens);
        std::size_t at = 0;
        for (const WordToken& t : tokens) {
            out.ids.push_back(t.id);
            out.offsets.push_back(word.originalSpan(at, at + t.length));
            at += t.length;
        }
    }
}

std::string HfTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecial) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int64_t id : ids) {
        if (id < 0 || id >= endId_) throw Error(path_ + ": token id " + std::to_string(id) + " is outside the vocabulary");
        if (const AddedToken* t = added_.byId(id)) {
            if (!(skipSpecial && t->special)) tokens.push_back(t->decodeForm);
        } else {
            tokens.push_back(model_->piece(id));
        }
    }
    if (!decoder_) {
        std::string joined;
        for (std::size_t i = 0; i < tokens.size(); ++i) joined += (i ? " " : "") + tokens[i];
        return joined;
    }
    decoder_->apply(tokens);
    std::string text;
    for (const std::string& t : tokens) text += t;
    return text;
}

std::string HfTokenizer::piece(int64_t id) const {
    if (id < 0 || id >= endId_) throw Error(path_ + ": token id " + std::to_string(id) + " is outside the vocabulary");
    if (const AddedToken* t = added_.byId(id)) return t->content;
    return model_->piece(id);
}

int64_t HfTokenizer::tokenId(const std::string& token) const {
    if (const AddedToken* t = added_.byContent(token)) return t->id;
    return model_->tokenId(token);
}

bool HfTokenizer::isSpecial(int64_t id) const {
    const AddedToken* t = added_.byId(id);
    return t && t->special;
}

std::string HfTokenizer::kind() const {
    if (pre_.byteLevel) return "tokenizer.json (byte-level BPE)";
    return model_->byteFallback() ? "tokenizer.json (BPE, byte fallback)" : "tokenizer.json (BPE)";
}

}  // namespace l1ra::text
