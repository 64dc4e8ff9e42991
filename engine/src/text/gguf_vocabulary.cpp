#include "text/gguf_vocabulary.h"

#include "l1ra/error.h"
#include "text/hf_tokenizer.h"
#include "text/sentencepiece_tokenizer.h"
#include "text/tokenizer_config.h"

#include <algorithm>
#include <filesystem>

namespace l1ra::text {

namespace {

void padTo(GgufVocabulary& v, int64_t size) {
    for (int64_t id = int64_t(v.tokens.size()); id < size; ++id) {
        v.tokens.push_back("[PAD" + std::to_string(id) + "]");
        v.types.push_back(kTokenUnused);
        if (!v.scores.empty()) v.scores.push_back(-1000.0f);
    }
}

GgufVocabulary fromSentencepiece(const std::string& file, const TokenizerConfig& config) {
    const auto spm = SentencepieceTokenizer::load(file, config);
    GgufVocabulary v;
    v.model = "llama";
    for (int64_t id = 0; id < spm->vocabSize(); ++id) {
        v.tokens.push_back(spm->piece(id));
        v.scores.push_back(spm->score(id));
        v.types.push_back(spm->pieceType(id));
        if (v.types.back() == kTokenUnknown && v.unknown < 0) v.unknown = id;
    }
    v.bos = spm->bosId();
    v.eos = spm->eosId();
    v.addBos = config.addBosToken.value_or(true);   // what encode() does: Llama's [BOS] + ids
    return v;
}

// llama.cpp picks its pre-tokenizer regex by name; the families this project supports are told apart by their
// special tokens. Anything else gets "default" (GPT-2's split), which llama.cpp loads with a warning.
std::string preTokenizerName(const HfTokenizer& t) {
    if (t.tokenId("<|begin_of_text|>") >= 0) return "llama-bpe";
    if (t.tokenId("<|im_start|>") >= 0 && t.tokenId("<|endoftext|>") >= 0) return "qwen2";
    return "default";
}

GgufVocabulary fromByteLevelBpe(const std::string& file, const TokenizerConfig& config) {
    const HfTokenizer t(file, config);
    if (!t.byteLevel())
        throw Error(file + ": a BPE with byte fallback and no tokenizer.model beside it; the GGUF export writes sentencepiece "
                           "(tokenizer.model) or byte-level BPE vocabularies");
    GgufVocabulary v;
    v.model = "gpt2";
    v.pre = preTokenizerName(t);
    for (int64_t id = 0; id < t.vocabSize(); ++id) {
        const AddedToken* added = t.addedTokens().byId(id);
        const std::string piece = t.piece(id);
        v.tokens.push_back(piece.empty() ? "[PAD" + std::to_string(id) + "]" : piece);
        v.types.push_back(added ? (added->special ? kTokenControl : kTokenUserDefined) : piece.empty() ? kTokenUnused : kTokenNormal);
    }
    v.merges = t.model().mergesByRank();
    v.bos = t.bosId();
    v.eos = t.eosId();
    v.unknown = t.model().unknownId();
    v.addBos = t.addsBos();
    return v;
}

}  // namespace

GgufVocabulary readGgufVocabulary(const std::string& modelDir, int64_t vocabSize) {
    const TokenizerConfig config = readTokenizerConfig(modelDir);
    const std::string spm = modelDir + "/tokenizer.model", json = modelDir + "/tokenizer.json";
    GgufVocabulary v;
    if (std::filesystem::is_regular_file(spm)) v = fromSentencepiece(spm, config);
    else if (std::filesystem::is_regular_file(json)) v = fromByteLevelBpe(json, config);
    else throw Error(modelDir + ": no tokenizer.model or tokenizer.json for the GGUF's tokenizer metadata");
    if (int64_t(v.tokens.size()) > vocabSize)
        throw Error(modelDir + ": the tokenizer has " + std::to_string(v.tokens.size()) + " tokens, more than config.json's vocab_size " +
                    std::to_string(vocabSize));
    padTo(v, vocabSize);
    return v;
}

}  // namespace l1ra::text
