#pragma once
// An independent LLaMA-family forward pass in plain C++ doubles, written from the HF modelling code's semantics
// (RMSNorm, rotate-half RoPE, grouped-query causal attention, SwiGLU, optional projection biases), without torch
// or any engine code: the reference the engine's logits are checked against for model variants that have no
// transformers-made fixture.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace l1ra::test {

struct ReferenceShape {
    int64_t vocab = 0, hidden = 0, ffn = 0, layers = 0, heads = 0, kvHeads = 0, headDim = 0;
    double ropeTheta = 10000, rmsEps = 1e-6;
    bool tied = false;
};

// A weight by HF name, as row-major doubles; returns an empty vector when the model has no such tensor.
using WeightLookup = std::function<std::vector<double>(const std::string& name)>;

// Logits [ids.size(), vocab], row-major.
std::vector<double> referenceLogits(const ReferenceShape& s, const WeightLookup& weight, const std::vector<int64_t>& ids);

}  // namespace l1ra::test
