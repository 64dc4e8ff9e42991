#include "model/llama_model.h"

#include "l1ra/error.h"
#include "model/layer_checkpoint.h"
#include "io/model_folder.h"
#include "kernels/causal_attention.h"
#include "kernels/frozen_linear.h"
#include "kernels/rms_norm.h"
#include "kernels/rotary.h"
#include "kernels/swiglu.h"
#include "io/tensor_io.h"

#include <cmath>

namespace l1ra {

torch::Tensor ropeInverseFrequencies(const LlamaConfig& c) {
    const int64_t hd = c.headDim;
    // inv_freq_i = 1 / theta^(2i / hd), computed in fp32 as HF does.
    auto exponents = torch::arange(0, hd, 2, torch::kInt64).to(torch::kFloat32) / float(hd);
    auto invFreq = 1.0 / torch::pow(torch::tensor(float(c.ropeTheta)), exponents);
    if (c.ropeScaling == "linear") {
        invFreq = invFreq / c.ropeFactor;
    } else if (c.ropeScaling == "llama3") {
        // Llama 3.1: long wavelengths are slowed by `factor`, short ones kept, the band between blended.
        const double lowWavelen = double(c.ropeOriginalMaxPositions) / c.ropeLowFreqFactor;
        const double highWavelen = double(c.ropeOriginalMaxPositions) / c.ropeHighFreqFactor;
        auto wavelen = 2.0 * M_PI / invFreq;
        auto scaled = torch::where(wavelen > lowWavelen, invFreq / c.ropeFactor, invFreq);
        auto smooth = (double(c.ropeOriginalMaxPositions) / wavelen - c.ropeLowFreqFactor) /
                      (c.ropeHighFreqFactor - c.ropeLowFreqFactor);
        auto smoothed = (1 - smooth) * scaled / c.ropeFactor + smooth * scaled;
        auto medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
        invFreq = torch::where(medium, smoothed, scaled);
    }
    return invFreq.to(torch::kFloat32);
}

BaseWeightFormat baseWeightFormat(const std::string& baseDtype, bool doubleQuant) {
    BaseWeightFormat b;
    b.doubleQuant = doubleQuant;
    if (baseDtype == "int8") b.format = kernels::WeightFormat::Int8;
    else if (baseDtype == "nf4") b.format = kernels::WeightFormat::NF4;
    else if (baseDtype != "bf16") throw Error("base dtype '" + baseDtype + "' is not one of bf16, int8, nf4");
    return b;
}

std::string baseWeightFormatName(const BaseWeightFormat& base) {
    switch (base.format) {
        case kernels::WeightFormat::Int8: return "int8";
        case kernels::WeightFormat::NF4: return "nf4";
        default: return "bf16";
    }
}

kernels::FrozenWeight LlamaModel::frozen(const torch::Tensor& w) const {
    if (base_.format == kernels::WeightFormat::Dense) return kernels::denseWeight(w);
    return kernels::moveWeight(kernels::quantizeWeight(w, base_.format, dtype_, base_.doubleQuant), device_);
}

LlamaModel::LlamaModel(const ModelFolder& folder, torch::Device device, torch::ScalarType dtype, BaseWeightFormat base)
    : config_(folder.config()), device_(device), dtype_(dtype), base_(base) {
    torch::NoGradGuard noGrad;
    const bool quantized = base.format != kernels::WeightFormat::Dense;
    // Each tensor's pages of the mapped file are released once it is read (safetensors.h: releasePages).
    auto read = [&](const std::string& name, torch::ScalarType as, torch::Device on) {
        const TensorView& view = folder.tensor(name);
        auto t = loadTensor(view, as, on);
        releasePages(view);
        return t;
    };
    auto load = [&](const std::string& name) { return read(name, dtype, device); };
    // A projection group: quantised ones are read in the file's dtype on the CPU, quantised, then moved.
    auto group = [&](std::initializer_list<std::string> names) {
        std::vector<torch::Tensor> parts;
        for (const auto& name : names)
            parts.push_back(quantized ? read(name, toTorchType(folder.tensor(name).dtype), torch::kCPU) : load(name));
        return frozen(parts.size() == 1 ? parts[0] : torch::cat(parts));
    };
    embed_ = load("model.embed_tokens.weight");
    finalNorm_ = load("model.norm.weight");
    lmHead_ = config_.tiedEmbeddings ? embed_ : load("lm_head.weight");
    for (int64_t i = 0; i < config_.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        DecoderLayer L;
        L.inputNorm = load(p + "input_layernorm.weight");
        L.postNorm = load(p + "post_attention_layernorm.weight");
        L.wqkv = group({p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight"});
        L.wo = group({p + "self_attn.o_proj.weight"});
        L.wgateUp = group({p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"});
        L.wdown = group({p + "mlp.down_proj.weight"});
        if (config_.qkvBias)
            L.bqkv = torch::cat({load(p + "self_attn.q_proj.bias"), load(p + "self_attn.k_proj.bias"),
                                 load(p + "self_attn.v_proj.bias")});
        if (config_.oBias) L.bo = load(p + "self_attn.o_proj.bias");
        if (config_.mlpBias) {
            L.bgateUp = torch::cat({load(p + "mlp.gate_proj.bias"), load(p + "mlp.up_proj.bias")});
            L.bdown = load(p + "mlp.down_proj.bias");
        }
        layers_.push_back(std::move(L));
    }
    invFreq_ = ropeInverseFrequencies(config_).to(device);
}

LlamaModel::LlamaModel(const LlamaConfig& config, torch::Device device, torch::ScalarType dtype, uint64_t seed, BaseWeightFormat base)
    : config_(config), device_(device), dtype_(dtype), base_(base) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    const int64_t D = config.hiddenSize, F = config.intermediateSize, V = config.vocabSize;
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    auto weight = [&](int64_t rows, int64_t cols) { return (torch::randn({rows, cols}, opts) * 0.02).to(dtype); };
    auto ones = [&](int64_t n) { return torch::ones({n}, opts).to(dtype); };
    auto bias = [&](int64_t n) { return (torch::randn({n}, opts) * 0.02).to(dtype); };
    embed_ = weight(V, D);
    for (int64_t i = 0; i < config.numLayers; ++i) {
        DecoderLayer L;
        L.inputNorm = ones(D);
        L.postNorm = ones(D);
        L.wqkv = frozen(weight(config.qDim() + 2 * config.kvDim(), D));
        L.wo = frozen(weight(D, config.qDim()));
        L.wgateUp = frozen(weight(2 * F, D));
        L.wdown = frozen(weight(D, F));
        if (config.qkvBias) L.bqkv = bias(config.qDim() + 2 * config.kvDim());
        if (config.oBias) L.bo = bias(D);
        if (config.mlpBias) {
            L.bgateUp = bias(2 * F);
            L.bdown = bias(D);
        }
        layers_.push_back(std::move(L));
    }
    finalNorm_ = ones(D);
    lmHead_ = config.tiedEmbeddings ? embed_ : weight(V, D);
    invFreq_ = ropeInverseFrequencies(config_).to(device);
}

std::pair<torch::Tensor, torch::Tensor> LlamaModel::rotary(int64_t start, int64_t length) const {
    auto positions = torch::arange(start, start + length, torch::TensorOptions().dtype(torch::kFloat32).device(device_));
    auto freqs = torch::outer(positions, invFreq_);   // [T, hd/2]
    auto emb = torch::cat({freqs, freqs}, -1);        // [T, hd]
    return {emb.cos().to(dtype_), emb.sin().to(dtype_)};
}

namespace {

// A projection group: the adapters' node when there are adapters (it includes the base product). A bias (Qwen2's
// q/k/v, LLaMA's attention_bias/mlp_bias) is added after the adapters: it is frozen like W.
torch::Tensor project(const AdapterHook* adapters, int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                      const kernels::FrozenWeight& weight, const torch::Tensor& bias) {
    if (!adapters && !weight.quantized()) return torch::linear(input, weight.dense, bias);
    auto y = adapters ? adapters->project(layer, group, input, weight) : kernels::frozenLinear(input, weight);
    return bias.defined() ? y + bias : y;
}

}  // namespace

torch::Tensor LlamaModel::layerForward(int64_t l, const torch::Tensor& xIn, const torch::Tensor& ropeCos,
                                       const torch::Tensor& ropeSin, KVCache* cache, const AdapterHook* adapters) const {
    const DecoderLayer& L = layers_[std::size_t(l)];
    const int64_t B = xIn.size(0), T = xIn.size(1);
    const int64_t H = config_.numHeads, KV = config_.numKvHeads, hd = config_.headDim;
    const double eps = config_.rmsNormEps;
    const int64_t start = cache ? cache->length : 0;
    const int64_t S = start + T;   // keys visible to this call

    // Self-attention: normalise (fp32 inside), project, rotate, attend over cached and new keys, project back.
    auto h = kernels::rmsNorm(xIn, L.inputNorm, eps);
    auto qkv = project(adapters, l, ProjectionGroup::QKV, h, L.wqkv, L.bqkv);   // [B, T, qDim + 2 kvDim]
    // q in the grouped layout [B, KV, G*T, hd]: the G query heads sharing a key/value head are stacked as
    // rows, so attention needs no copies of K and V. k, v [B, KV, T, hd]. "Rotate half" RoPE on q and k.
    auto qkvSplit = kernels::applyRotary(qkv, ropeCos, ropeSin, H, KV, hd);
    auto q = qkvSplit[0], k = qkvSplit[1], v = qkvSplit[2];
    if (cache) {
        cache->k[std::size_t(l)].narrow(2, start, T).copy_(k);
        cache->v[std::size_t(l)].narrow(2, start, T).copy_(v);
        k = cache->k[std::size_t(l)].narrow(2, 0, S);
        v = cache->v[std::size_t(l)].narrow(2, 0, S);
    }
    // Causal (and sliding-window) softmax attention, softmax in fp32, 1/sqrt(hd) scaling.
    auto attn = kernels::causalAttention(q, k, v, start, config_.slidingWindow);   // [B, KV, G*T, hd]
    attn = attn.view({B, H, T, hd}).transpose(1, 2).reshape({B, T, config_.qDim()});
    auto o = project(adapters, l, ProjectionGroup::O, attn, L.wo, L.bo);   // [B, T, D]
    auto x = xIn + o;

    // SwiGLU MLP: down(silu(gate(h)) * up(h)).
    h = kernels::rmsNorm(x, L.postNorm, eps);
    auto gateUp = project(adapters, l, ProjectionGroup::GateUp, h, L.wgateUp, L.bgateUp);   // [B, T, 2F]
    auto act = kernels::swiglu(gateUp);                                                   // [B, T, F]
    auto down = project(adapters, l, ProjectionGroup::Down, act, L.wdown, L.bdown);        // [B, T, D]
    return x + down;
}

torch::Tensor LlamaModel::checkpointedLayer(int64_t l, const torch::Tensor& x, const torch::Tensor& ropeCos,
                                            const torch::Tensor& ropeSin, const AdapterHook* adapters) const {
    // The recomputation projects through a hook bound to this pass's dropout state, so its masks are the same.
    std::shared_ptr<const AdapterHook> replay = adapters ? adapters->replayHook() : nullptr;
    std::vector<torch::Tensor> parameters = adapters ? adapters->layerParameters(l) : std::vector<torch::Tensor>{};
    const DecoderLayer& L = layers_[std::size_t(l)];
    for (const torch::Tensor* t : {&L.inputNorm, &L.postNorm, &L.bqkv, &L.bo, &L.bgateUp, &L.bdown})
        if (t->defined() && t->requires_grad()) parameters.push_back(*t);
    for (const kernels::FrozenWeight* w : L.weights())
        if (w->dense.defined() && w->dense.requires_grad()) parameters.push_back(w->dense);   // full fine-tuning
    auto body = [this, l, ropeCos, ropeSin, replay](const torch::Tensor& in) {
        return layerForward(l, in, ropeCos, ropeSin, nullptr, replay.get());
    };
    return l1ra::checkpointedLayer(x, body, parameters);
}

torch::Tensor LlamaModel::hidden(const torch::Tensor& ids, KVCache* cache, const AdapterHook* adapters) const {
    const int64_t T = ids.size(1);
    const int64_t start = cache ? cache->length : 0;
    const int64_t S = start + T;   // keys visible to this call
    if (cache && S > cache->capacity)
        throw Error("generation exceeds the KV cache (" + std::to_string(cache->capacity) + " positions)");

    // The element-wise steps are fused kernels (engine/src/kernels) with HF semantics; each file also holds the
    // plain torch version it is tested against and falls back to on CUDA.
    auto x = torch::embedding(embed_, ids.to(device_));   // [B, T, D]
    auto [ropeCos, ropeSin] = rotary(start, T);            // [T, hd]
    const bool checkpoint = checkpointing_ && !cache && torch::GradMode::is_enabled();
    for (int64_t l = 0; l < config_.numLayers; ++l)
        x = checkpoint ? checkpointedLayer(l, x, ropeCos, ropeSin, adapters) : layerForward(l, x, ropeCos, ropeSin, cache, adapters);
    if (cache) cache->length = S;
    return kernels::rmsNorm(x, finalNorm_, config_.rmsNormEps);
}

torch::Tensor LlamaModel::logits(const torch::Tensor& hiddenStates) const { return torch::linear(hiddenStates, lmHead_); }

KVCache LlamaModel::newCache(int64_t batch, int64_t capacity) const {
    KVCache c;
    c.capacity = capacity;
    auto opts = torch::TensorOptions().dtype(dtype_).device(device_);
    for (int64_t l = 0; l < config_.numLayers; ++l) {
        c.k.push_back(torch::zeros({batch, config_.numKvHeads, capacity, config_.headDim}, opts));
        c.v.push_back(torch::zeros({batch, config_.numKvHeads, capacity, config_.headDim}, opts));
    }
    return c;
}

std::vector<std::pair<std::string, torch::Tensor>> LlamaModel::hfTensors() const {
    const int64_t qDim = config_.qDim(), kvDim = config_.kvDim(), F = config_.intermediateSize;
    std::vector<std::pair<std::string, torch::Tensor>> out;
    out.emplace_back("model.embed_tokens.weight", embed_);
    for (int64_t i = 0; i < config_.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        const DecoderLayer& L = layers_[std::size_t(i)];
        // Views into the dense weights; a quantised weight is dequantised into a new tensor.
        const auto wqkv = kernels::materialize(L.wqkv), wgateUp = kernels::materialize(L.wgateUp);
        out.emplace_back(p + "input_layernorm.weight", L.inputNorm);
        out.emplace_back(p + "self_attn.q_proj.weight", wqkv.narrow(0, 0, qDim));
        out.emplace_back(p + "self_attn.k_proj.weight", wqkv.narrow(0, qDim, kvDim));
        out.emplace_back(p + "self_attn.v_proj.weight", wqkv.narrow(0, qDim + kvDim, kvDim));
        out.emplace_back(p + "self_attn.o_proj.weight", kernels::materialize(L.wo));
        out.emplace_back(p + "post_attention_layernorm.weight", L.postNorm);
        out.emplace_back(p + "mlp.gate_proj.weight", wgateUp.narrow(0, 0, F));
        out.emplace_back(p + "mlp.up_proj.weight", wgateUp.narrow(0, F, F));
        out.emplace_back(p + "mlp.down_proj.weight", kernels::materialize(L.wdown));
        if (L.bqkv.defined()) {
            out.emplace_back(p + "self_attn.q_proj.bias", L.bqkv.narrow(0, 0, qDim));
            out.emplace_back(p + "self_attn.k_proj.bias", L.bqkv.narrow(0, qDim, kvDim));
            out.emplace_back(p + "self_attn.v_proj.bias", L.bqkv.narrow(0, qDim + kvDim, kvDim));
        }
        if (L.bo.defined()) out.emplace_back(p + "self_attn.o_proj.bias", L.bo);
        if (L.bgateUp.defined()) {
            out.emplace_back(p + "mlp.gate_proj.bias", L.bgateUp.narrow(0, 0, F));
            out.emplace_back(p + "mlp.up_proj.bias", L.bgateUp.narrow(0, F, F));
        }
        if (L.bdown.defined()) out.emplace_back(p + "mlp.down_proj.bias", L.bdown);
    }
    out.emplace_back("model.norm.weight", finalNorm_);
    if (!config_.tiedEmbeddings) out.emplace_back("lm_head.weight", lmHead_);
    return out;
}

std::vector<std::pair<std::string, torch::Tensor>> LlamaModel::namedParameters() const {
    if (base_.format != kernels::WeightFormat::Dense)
        throw Error("a quantised base model has no dense projection weights to train (method full needs model.base_dtype bf16)");
    std::vector<std::pair<std::string, torch::Tensor>> out{{"model.embed_tokens.weight", embed_}};
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        const DecoderLayer& L = layers_[i];
        out.insert(out.end(), {{p + "input_layernorm.weight", L.inputNorm},
                               {p + "self_attn.qkv_proj.weight", L.wqkv.dense},
                               {p + "self_attn.o_proj.weight", L.wo.dense},
                               {p + "post_attention_layernorm.weight", L.postNorm},
                               {p + "mlp.gate_up_proj.weight", L.wgateUp.dense},
                               {p + "mlp.down_proj.weight", L.wdown.dense}});
        const std::pair<const char*, const torch::Tensor*> biases[] = {{"self_attn.qkv_proj.bias", &L.bqkv},
                                                                       {"self_attn.o_proj.bias", &L.bo},
                                                                       {"mlp.gate_up_proj.bias", &L.bgateUp},
                                                                       {"mlp.down_proj.bias", &L.bdown}};
        for (const auto& [name, t] : biases)
            if (t->defined()) out.emplace_back(p + name, *t);
    }
    out.emplace_back("model.norm.weight", finalNorm_);
    if (!config_.tiedEmbeddings) out.emplace_back("lm_head.weight", lmHead_);
    return out;
}

void LlamaModel::convertTo(torch::ScalarType dtype) {
    torch::NoGradGuard noGrad;
    dtype_ = dtype;
    embed_ = embed_.to(dtype);
    for (auto& L : layers_) {
        for (torch::Tensor* t : L.tensors())
            if (t->defined()) *t = t->to(dtype);
        for (kernels::FrozenWeight* w : L.weights()) {
            if (w->dense.defined()) w->dense = w->dense.to(dtype);
            w->dtype = dtype;   // what a quantised weight dequantises to
        }
    }
    finalNorm_ = finalNorm_.to(dtype);
    lmHead_ = config_.tiedEmbeddings ? embed_ : lmHead_.to(dtype);
}

void LlamaModel::dequantizeBase() {
    torch::NoGradGuard noGrad;
    for (auto& L : layers_)
        for (kernels::FrozenWeight* w : L.weights())
            if (w->quantized()) *w = kernels::denseWeight(kernels::materialize(*w));
    base_.format = kernels::WeightFormat::Dense;
}

int64_t LlamaModel::weightBytes() const {
    auto bytes = [](const torch::Tensor& t) { return t.defined() ? t.numel() * int64_t(t.element_size()) : int64_t(0); };
    int64_t n = bytes(embed_) + bytes(finalNorm_) + (config_.tiedEmbeddings ? 0 : bytes(lmHead_));
    for (const auto& L : layers_) {
        for (const torch::Tensor* t : {&L.inputNorm, &L.postNorm, &L.bqkv, &L.bo, &L.bgateUp, &L.bdown}) n += bytes(*t);
        for (const kernels::FrozenWeight* w : L.weights()) n += w->bytes();
    }
    return n;
}

int64_t LlamaModel::parameterCount() const {
    int64_t n = embed_.numel() + finalNorm_.numel() + (config_.tiedEmbeddings ? 0 : lmHead_.numel());
    for (const auto& L : layers_) {
        for (const torch::Tensor* t : {&L.inputNorm, &L.postNorm, &L.bqkv, &L.bo, &L.bgateUp, &L.bdown})
            if (t->defined()) n += t->numel();
        for (const kernels::FrozenWeight* w : L.weights()) n += w->rows * w->cols;
    }
    return n;
}

}  // namespace l1ra
