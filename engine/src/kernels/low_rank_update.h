#pragma once
// A projection group's adapters as one autograd node: out + ((dropout(x) Aᵀ) ⊙ g) Bᵀ, with A the group's A
// matrices stacked, g their gains (each gate clamped to [0, 1] times its adapter's scale; the scale alone in
// plain LoRA) and B each adapter's B in its own block of the group's output columns. The stacking, the casts to
// the compute dtype and the products happen inside the node: as separate operations they made about 25 autograd
// nodes a group, whose bookkeeping cost more than their arithmetic (docs/performance.md).
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

// out [..., W] and x [..., in] share their leading dimensions; As[i] [r_i, in], Bs[i] [out_i, r_i], gates[i] [r_i].
// The products run in x's dtype (the parameters are cast inside); gradients come back in each input's own dtype.
// Differentiable in out, x and every A, B and gate. Fused on CPU; elsewhere lowRankUpdateReference runs.
// On the fused path a contiguous `out` that is not a leaf requiring grad is updated in place and returned (the
// caller's projection output: nothing else reads it); otherwise the result is a new tensor.
at::Tensor lowRankUpdate(const at::Tensor& out, const at::Tensor& x, at::TensorList As, at::TensorList Bs,
                         at::TensorList gates, const LowRankGroup& group);

// The same as separate LibTorch operations (stacking, block-diagonal B, casts, addmm): fallback and reference.
at::Tensor lowRankUpdateReference(const at::Tensor& out, const at::Tensor& x, at::TensorList As, at::TensorList Bs,
                                  at::TensorList gates, const LowRankGroup& group);

}  // namespace l1ra::kernels
