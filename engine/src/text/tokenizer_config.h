#pragma once
// What tokenizer_config.json (beside the tokenizer file) says about special tokens: the BOS and EOS tokens,
// the tokenizer class, and the add_bos_token / add_eos_token switches Llama's tokenizer class honours.
#include <optional>
#include <string>

namespace l1ra::text {

struct NamedToken {
    bool given = false;     // the key is present (a null value means "none")
    std::string content;    // empty for null
};

struct TokenizerConfig {
    std::string path;       // empty when the folder has no tokenizer_config.json
    NamedToken bos, eos;
    std::string tokenizerClass;
    std::optional<bool> addBosToken, addEosToken;

    // transformers' LlamaTokenizer(Fast) rebuilds the post-processor from add_bos_token / add_eos_token.
    bool llamaClass() const { return tokenizerClass.find("Llama") != std::string::npos; }
};

// Reads `dir`/tokenizer_config.json when there is one; a malformed file is refused naming it.
TokenizerConfig readTokenizerConfig(const std::string& dir);

}  // namespace l1ra::text
