#pragma once
// A model folder's vocabulary as llama.cpp's GGUF tokenizer metadata holds it (tokenizer.ggml.*): sentencepiece
// tokenizer.model -> model "llama" with scores and piece types; byte-level BPE tokenizer.json -> model "gpt2"
// with merges. Plain C++, no torch.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::text {

// llama.cpp's token types (the same numbers as sentencepiece's piece types).
enum GgufTokenType : int32_t { kTokenNormal = 1, kTokenUnknown = 2, kTokenControl = 3, kTokenUserDefined = 4, kTokenUnused = 5, kTokenByte = 6 };

struct GgufVocabulary {
    std::string model;                 // tokenizer.ggml.model: "llama" or "gpt2"
    std::string pre;                   // tokenizer.ggml.pre (gpt2): "llama-bpe", "qwen2" or "default"
    std::vector<std::string> tokens;   // by id
    std::vector<float> scores;         // by id (sentencepiece only; empty for gpt2)
    std::vector<int32_t> types;        // by id, GgufTokenType
    std::vector<std::string> merges;   // "left right", rank order (gpt2 only)
    int64_t bos = -1, eos = -1, unknown = -1;
    bool addBos = false;
};

// `vocabSize` is config.json's: ids the tokenizer does not use up to it become "[PADn]" of type unused, as
// llama.cpp's converter writes them. Prefers tokenizer.model when the folder has both (Llama 2's HF folders).
// Throws l1ra::Error naming the file for a tokenizer GGUF cannot describe (BPE with byte fallback and no
// tokenizer.model beside it).
GgufVocabulary readGgufVocabulary(const std::string& modelDir, int64_t vocabSize);

}  // namespace l1ra::text
