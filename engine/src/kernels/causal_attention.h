#pragma once
// Causal grouped-query attention: BLAS products around a fused masked softmax, forward and backward.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace l1ra::kernels {

// q [B, KV, G·T, hd]: the G query heads that share KV head kv folded into rows; row r is query head kv·G + r / T
//   at position start + r % T (what q[B, H, T, hd].view({B, KV, G·T, hd}) holds).
// k, v [B, KV, S, hd] with S = start + T: cached keys first, then this call's T keys.
// Key j is visible to position pos iff j <= pos and, when slidingWindow > 0, pos - j < slidingWindow.
// Returns softmax(q kᵀ/√hd over the visible keys) v  [B, KV, G·T, hd] in the inputs' dtype (the promoted one if
// they differ). Scores and probabilities are stored in that dtype, the softmax is computed in fp32.
// Not autocast-aware (no custom op is): pass bf16 to get bf16 products.
// Fused on CPU for fp32, bf16 and double; elsewhere the composite reference runs. Differentiable in q, k, v.
at::Tensor causalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t start,
                           int64_t slidingWindow = 0);

// Composite implementation with LlamaModel's semantics (matmul, masked_fill -inf, fp32 softmax cast back to the
// input dtype, matmul): the fallback and the tests' reference.
at::Tensor causalAttentionReference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t start,
                                    int64_t slidingWindow = 0);

}  // namespace l1ra::kernels
