#pragma once
// What a model folder holds, read without loading the weights: shown by `l1ra info` and the studio's setup page.
#include "l1ra/api.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct ModelInfo {
    std::string path;
    std::string modelType;        // "llama" or "mistral"
    std::string architecture;     // e.g. "LlamaForCausalLM"
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;
    int64_t maxPositions = 0;
    double rmsNormEps = 0;
    double ropeTheta = 0;
    std::string ropeScaling;      // "none", "linear" or "llama3"
    int64_t slidingWindow = 0;    // 0 = full attention
    bool tiedEmbeddings = false;
    std::string storedDtype;      // dtype of the weights on disk: "F32", "F16", "BF16" (or "mixed")
    int64_t parameters = 0;       // counted from the tensor shapes
    std::vector<std::string> weightFiles;
    int64_t bosId = -1;
    int64_t eosId = -1;
    std::vector<int64_t> eosIds;  // every id config.json and generation_config.json name as an end of sequence
    std::string tokenizer;        // path of tokenizer.json (preferred) or tokenizer.model, empty when the folder has neither
    int64_t tokenizerVocab = 0;   // tokens of the tokenizer, added ones included (0 when not loaded)
    std::string tokenizerKind;    // e.g. "tokenizer.json (byte-level BPE)", "tokenizer.model (sentencepiece)"; empty when not loaded
    std::string tokenizerError;   // why the tokenizer could not be read (inspection still succeeds)
    std::string chatTemplate;     // family of the model's own chat template (llama3, llama2, mistral, chatml, unknown);
                                  // empty when it declares none
    std::string chatTemplateOrigin;   // where it was read, e.g. "DIR/tokenizer_config.json, field chat_template"
    std::string chatTemplateError;    // why the template files could not be read (inspection still succeeds)
};

// Reads config.json, the weight index and every safetensors header, checks names and shapes against the
// config; throws l1ra::Error naming the file and the problem. Does not read weight data. With `readTokenizer`
// it also loads the tokenizer (a large tokenizer.json takes about a second) and reads the chat template.
// `dir` may be a Hugging Face cache entry (l1ra/model_location.h); info.path is then its snapshot.
ModelInfo inspectModel(const std::string& dir, bool readTokenizer = true);

std::string modelInfoToJson(const ModelInfo& info, int indent = 2);

}  // namespace l1ra
L1RA_API_END
