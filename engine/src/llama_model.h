#pragma once
// The LLaMA decoder (HF LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM semantics) in LibTorch.
// Projections that read the same input are stored fused (q|k|v and gate|up): one matrix product each.
#include "model_config.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace l1ra {

class ModelFolder;

// The four matrix products of a decoder layer; fused groups hold several HF projections.
enum class ProjectionGroup { QKV, O, GateUp, Down };

// Computes a projection group with its adapters, `input · weightᵀ + delta(input)`, where the columns of the
// output are the group's projections in HF order (q|k|v, o, gate|up, down).
class AdapterHook {
public:
    virtual ~AdapterHook() = default;
    virtual torch::Tensor project(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                                  const torch::Tensor& weight) const = 0;
};

struct KVCache {
    std::vector<torch::Tensor> k, v;   // per layer [B, KV, capacity, hd]
    int64_t length = 0;                // positions filled
    int64_t capacity = 0;
};

struct DecoderLayer {
    torch::Tensor inputNorm;   // [D]
    torch::Tensor wqkv;        // [qDim + 2*kvDim, D]
    torch::Tensor wo;          // [D, qDim]
    torch::Tensor postNorm;    // [D]
    torch::Tensor wgateUp;     // [2F, D]
    torch::Tensor wdown;       // [D, F]
    // Biases, undefined unless the config has them (LlamaConfig::qkvBias, oBias, mlpBias).
    torch::Tensor bqkv;        // [qDim + 2*kvDim]
    torch::Tensor bo;          // [D]
    torch::Tensor bgateUp;     // [2F]
    torch::Tensor bdown;       // [D]

    // Every tensor the layer owns, defined or not, for loops that treat them alike.
    std::vector<torch::Tensor*> tensors() { return {&inputNorm, &wqkv, &wo, &postNorm, &wgateUp, &wdown, &bqkv, &bo, &bgateUp, &bdown}; }
};

class LlamaModel {
public:
    // Loads every weight from the folder into `dtype` on `device`.
    LlamaModel(const ModelFolder& folder, torch::Device device, torch::ScalarType dtype);
    // Random weights (N(0, 0.02), norms at 1): for benchmarks, tests and pretraining from scratch.
    LlamaModel(const LlamaConfig& config, torch::Device device, torch::ScalarType dtype, uint64_t seed);

    const LlamaConfig& config() const { return config_; }
    torch::Device device() const { return device_; }
    torch::ScalarType dtype() const { return dtype_; }

    // ids [B, T] (int64) at positions start..start+T-1 -> final hidden states [B, T, D].
    // With a cache, keys/values are appended to it (start must equal cache->length).
    torch::Tensor hidden(const torch::Tensor& ids, KVCache* cache = nullptr, const AdapterHook* adapters = nullptr) const;
    torch::Tensor logits(const torch::Tensor& hiddenStates) const;   // [.., D] -> [.., V]
    torch::Tensor forward(const torch::Tensor& ids, KVCache* cache = nullptr, const AdapterHook* adapters = nullptr) const {
        return logits(hidden(ids, cache, adapters));
    }

    KVCache newCache(int64_t batch, int64_t capacity) const;

    // HF names and tensors (views into the fused weights): for export and for full fine-tuning.
    std::vector<std::pair<std::string, torch::Tensor>> hfTensors() const;
    // Every weight tensor the model owns (fused, each once), with a stable name, e.g. to train them.
    std::vector<std::pair<std::string, torch::Tensor>> namedParameters() const;
    // Casts every weight to `dtype` in place of the old tensors (e.g. fp32 master weights for full training).
    void convertTo(torch::ScalarType dtype);

    std::vector<DecoderLayer>& layers() { return layers_; }
    const std::vector<DecoderLayer>& layers() const { return layers_; }
    int64_t parameterCount() const;

private:
    std::pair<torch::Tensor, torch::Tensor> rotary(int64_t start, int64_t length) const;   // cos, sin [T, hd]

    LlamaConfig config_;
    torch::Device device_;
    torch::ScalarType dtype_;
    torch::Tensor embed_;       // [V, D]
    std::vector<DecoderLayer> layers_;
    torch::Tensor finalNorm_;   // [D]
    torch::Tensor lmHead_;      // [V, D]; the same tensor as embed_ when tied
    torch::Tensor invFreq_;     // [hd/2] f32, rope_scaling applied
};

// Rotary inverse frequencies for a config (rope_theta, rope_scaling), as HF computes them.
torch::Tensor ropeInverseFrequencies(const LlamaConfig& c);

}  // namespace l1ra
