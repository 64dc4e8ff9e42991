#pragma once
// Rotary position embedding applied while splitting the fused q|k|v projection into attention layouts.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace l1ra::kernels {

// qkv [B, T, (H + 2·KV)·hd] (q heads, then k heads, then v heads, as torch::linear with the fused weight gives),
// cos, sin [T, hd] (LlamaModel::rotary: positions start..start+T-1, "rotate half" layout).
// Returns {q, k, v}, contiguous, in qkv's dtype:
//   q [B, KV, G·T, hd] rotated, folded for causalAttention (row g·T + t = head kv·G + g at position t),
//   k [B, KV, T, hd] rotated, v [B, KV, T, hd] copied.
// rot(x) = x ⊙ cos + rotate_half(x) ⊙ sin, rotate_half(x) = [−x₂, x₁] (first/second half), computed in fp32
// from cos/sin in any floating dtype and rounded once to qkv's dtype. Not autocast-aware: with bf16 qkv the
// outputs are bf16 even when cos/sin are fp32 (the eager code's bf16 ⊙ fp32 would promote q and k to fp32).
// Differentiable in qkv (one gradient [B, T, (H+2KV)·hd] from the three); cos and sin are constants.
// Fused on CPU for fp32, bf16 and double; elsewhere the composite reference runs.
std::vector<at::Tensor> applyRotary(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                                    int64_t kvHeads, int64_t headDim);

// Composite implementation (narrow/view/transpose, x·cos + rotate_half(x)·sin in fp32, cast back): fallback and
// reference.
std::vector<at::Tensor> applyRotaryReference(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                                             int64_t heads, int64_t kvHeads, int64_t headDim);

}  // namespace l1ra::kernels
