#pragma once
// A LLaMA-family config.json (llama, mistral, qwen2), validated: every field the forward pass depends on, nothing silently ignored.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

struct LlamaConfig {
    std::string modelType = "llama";
    std::string architecture = "LlamaForCausalLM";
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;
    int64_t maxPositions = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    // rope_scaling: "none", "linear" (factor) or "llama3" (factor, low/high_freq_factor, original max positions)
    std::string ropeScaling = "none";
    double ropeFactor = 1.0;
    double ropeLowFreqFactor = 1.0;
    double ropeHighFreqFactor = 4.0;
    int64_t ropeOriginalMaxPositions = 8192;
    int64_t slidingWindow = 0;   // 0 = none
    bool tiedEmbeddings = false;
    // Projection biases: Qwen2 has them on q, k, v; LLaMA's attention_bias puts them on q, k, v and o, mlp_bias on
    // gate, up and down. They are frozen weights like the matrices.
    bool qkvBias = false;
    bool oBias = false;
    bool mlpBias = false;
    std::string torchDtype = "float32";
    int64_t bosId = 1;
    int64_t eosId = 2;
    std::vector<int64_t> eosIds{2};   // every id that ends generation (config.json may list several); eosId first
    std::string rawJson;         // the file as read, so that exports can copy it with changes

    int64_t qDim() const { return numHeads * headDim; }
    int64_t kvDim() const { return numKvHeads * headDim; }
};

// Parses and validates; `source` names the file in error messages.
LlamaConfig parseLlamaConfig(const std::string& jsonText, const std::string& source);
LlamaConfig loadLlamaConfig(const std::string& modelDir);

}  // namespace l1ra
