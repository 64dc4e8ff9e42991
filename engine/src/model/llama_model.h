#pragma once
// The LLaMA decoder (HF LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM semantics) in LibTorch.
// Projections that read the same input are stored fused (q|k|v and gate|up): one matrix product each.
#include "kernels/frozen_weight.h"
#include "io/model_config.h"

#include <torch/torch.h>

#include <map>
#include <memory>
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
                                  const kernels::FrozenWeight& weight) const = 0;
    // The tensors of one layer's adapters that train: inputs of that layer's checkpointed node.
    virtual std::vector<torch::Tensor> layerParameters(int64_t /*layer*/) const { return {}; }
    // A hook that projects as this one does now, random draws (dropout masks) included, whatever happens to this
    // one later: a checkpointed layer recomputes its forward pass with it in the backward pass.
    virtual std::shared_ptr<const AdapterHook> replayHook() const = 0;
};

// How the frozen projection weights are held (run config model.base_dtype): in the compute dtype, or quantised
// at load and dequantised per product. Embeddings, norms, biases and lm_head always stay dense.
struct BaseWeightFormat {
    kernels::WeightFormat format = kernels::WeightFormat::Dense;
    bool doubleQuant = true;   // NF4: the block absmax quantised too
};
// model.base_dtype "bf16" (dense), "int8" or "nf4"; throws l1ra::Error naming the value otherwise.
BaseWeightFormat baseWeightFormat(const std::string& baseDtype, bool doubleQuant = true);
std::string baseWeightFormatName(const BaseWeightFormat& base);   // "bf16", "int8", "nf4"

struct KVCache {
    std::vector<torch::Tensor> k, v;   // per layer [B, KV, capacity, hd]
    int64_t length = 0;                // positions filled
    int64_t capacity = 0;
};

struct DecoderLayer {
    torch::Tensor inputNorm;          // [D]
    kernels::FrozenWeight wqkv;       // [qDim + 2*kvDim, D]
    kernels::FrozenWeight wo;         // [D, qDim]
    torch::Tensor postNorm;           // [D]
    kernels::FrozenWeight wgateUp;    // [2F, D]
    kernels::FrozenWeight wdown;      // [D, F]
    // Biases, undefined unless the config has them (LlamaConfig::qkvBias, oBias, mlpBias).
    torch::Tensor bqkv;        // [qDim + 2*kvDim]
    torch::Tensor bo;          // [D]
    torch::Tensor bgateUp;     // [2F]
    torch::Tensor bdown;       // [D]

    // The layer's dense tensors (norms and biases), defined or not, and its four projection weights.
    std::vector<torch::Tensor*> tensors() { return {&inputNorm, &postNorm, &bqkv, &bo, &bgateUp, &bdown}; }
    std::vector<kernels::FrozenWeight*> weights() { return {&wqkv, &wo, &wgateUp, &wdown}; }
    std::vector<const kernels::FrozenWeight*> weights() const { return {&wqkv, &wo, &wgateUp, &wdown}; }
};

class LlamaModel {
public:
    // Loads every weight from the folder into `dtype` on `device`; the projection weights quantised when `base`
    // says so (tensor by tensor: the file's pages are released as they are read).
    LlamaModel(const ModelFolder& folder, torch::Device device, torch::ScalarType dtype, BaseWeightFormat base = {});
    // Random weights (N(0, 0.02), norms at 1): for benchmarks, tests and pretraining from scratch.
    LlamaModel(const LlamaConfig& config, torch::Device device, torch::ScalarType dtype, uint64_t seed, BaseWeightFormat base = {});

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

    // Gradient checkpointing (train.gradient_checkpointing): while gradients are recorded, each decoder layer keeps
    // only its input and recomputes its activations in the backward pass (model/layer_checkpoint.h).
    void setGradientCheckpointing(bool on) { checkpointing_ = on; }
    bool gradientCheckpointing() const { return checkpointing_; }

    // HF names and tensors (views into the fused weights): for export and for full fine-tuning. A quantised
    // model gives dequantised copies instead of views.
    std::vector<std::pair<std::string, torch::Tensor>> hfTensors() const;
    // Every weight tensor the model owns (fused, each once), with a stable name, e.g. to train them. Throws for a
    // quantised model (its projections have no trainable dense tensor).
    std::vector<std::pair<std::string, torch::Tensor>> namedParameters() const;
    // Casts every weight to `dtype` in place of the old tensors (e.g. fp32 master weights for full training).
    void convertTo(torch::ScalarType dtype);
    // Replaces quantised projection weights by their dequantised values in the model's dtype (merged exports).
    void dequantizeBase();
    const BaseWeightFormat& baseFormat() const { return base_; }
    int64_t weightBytes() const;   // memory held by every weight (quantised ones as stored)

    std::vector<DecoderLayer>& layers() { return layers_; }
    const std::vector<DecoderLayer>& layers() const { return layers_; }
    int64_t parameterCount() const;

private:
    std::pair<torch::Tensor, torch::Tensor> rotary(int64_t start, int64_t length) const;   // cos, sin [T, hd]
    // Decoder layer l on x [B, T, D] -> [B, T, D] (its residual stream out).
    torch::Tensor layerForward(int64_t l, const torch::Tensor& x, const torch::Tensor& ropeCos, const torch::Tensor& ropeSin,
                               KVCache* cache, const AdapterHook* adapters) const;
    torch::Tensor checkpointedLayer(int64_t l, const torch::Tensor& x, const torch::Tensor& ropeCos, const torch::Tensor& ropeSin,
                                    const AdapterHook* adapters) const;
    kernels::FrozenWeight frozen(const torch::Tensor& w) const;   // dense or quantised as base_ says

    LlamaConfig config_;
    torch::Device device_;
    torch::ScalarType dtype_;
    BaseWeightFormat base_;
    bool checkpointing_ = false;
    torch::Tensor embed_;       // [V, D]
    std::vector<DecoderLayer> layers_;
    torch::Tensor finalNorm_;   // [D]
    torch::Tensor lmHead_;      // [V, D]; the same tensor as embed_ when tied
    torch::Tensor invFreq_;     // [hd/2] f32, rope_scaling applied
};

// Rotary inverse frequencies for a config (rope_theta, rope_scaling), as HF computes them.
torch::Tensor ropeInverseFrequencies(const LlamaConfig& c);

}  // namespace l1ra
