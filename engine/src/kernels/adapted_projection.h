#pragma once
// A projection group and its adapters as one autograd node: y = x Wᵀ + ((dropout(x) Aᵀ) ⊙ g) Bᵀ, with W the
// group's frozen fused weight, A the group's A matrices stacked, g their gains (each gate clamped to [0, 1] times
// its adapter's scale; the scale alone in plain LoRA) and B each adapter's B in its own block of the group's
// output columns. The stacking, the casts to the compute dtype and all products happen inside the node: as
// separate operations they made about 25 autograd nodes a group, whose bookkeeping cost more than their
// arithmetic, and x's gradient from the base product and from the adapters had to be added by autograd
// (docs/performance.md). Here the backward accumulates both into one buffer. A quantised W is dequantised in the
// forward and again in the backward, never saved dense.
#include "kernels/frozen_weight.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace l1ra::kernels {

struct LowRankGroup {
    std::vector<int64_t> columnOffsets;   // where each adapter's output columns start in the group's width
    std::vector<double> scales;           // each adapter's alpha / r0
    bool gated = false;                   // L1RA: gains from the gates; LoRA: the scale alone
    int64_t rankMultiple = 1;             // stacked rank padded with inert zero ranks to a multiple of this
    double dropout = 0;                   // on x, the mask of kernels::fastDropout(x, dropout, seed)
    uint64_t seed = 0;
};

// x [..., in], weight [W, in]; As[i] [r_i, in], Bs[i] [out_i, r_i], gates[i] [r_i]; the result is [..., W].
// The adapter products run in x's dtype (the parameters are cast inside); gradients come back in each input's
// own dtype. Differentiable in x and every A, B and gate; the weight is frozen. Fused on CPU when the weight
// (dense or dequantised) has x's dtype and needs no gradient; otherwise adaptedProjectionReference runs.
at::Tensor adaptedProjection(const at::Tensor& x, const FrozenWeight& weight, at::TensorList As, at::TensorList Bs,
                             at::TensorList gates, const LowRankGroup& group);

// The same as separate LibTorch operations (linear or kernels::frozenLinear, stacking, block-diagonal B, casts,
// addmm): fallback and reference; differentiable in a dense weight too.
at::Tensor adaptedProjectionReference(const at::Tensor& x, const FrozenWeight& weight, at::TensorList As,
                                      at::TensorList Bs, at::TensorList gates, const LowRankGroup& group);

}  // namespace l1ra::kernels
