#pragma once
// Summed token cross-entropy straight from bf16 or fp32 logits: no fp32 copy of [N, V], one sweep per row.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace l1ra::kernels {

// logits [N, V] (fp32 or bf16; double for gradient checks), labels [N] integer.
// Returns Σ over rows with label != ignoreIndex of (logsumexp(row) − row[label]) as a 0-d fp32 tensor (double for
// double logits); 0 when every label is ignored. Labels outside [0, V) other than ignoreIndex are an error.
// The backward writes (softmax − onehot) · gradOutput in the logits' dtype, zero rows for ignored labels.
// Not autocast-aware: pass the lm_head output as it comes (bf16 under autocast), do not cast it to fp32 first.
// Fused on CPU; elsewhere the composite reference runs. Differentiable in logits.
at::Tensor crossEntropySum(const at::Tensor& logits, const at::Tensor& labels, int64_t ignoreIndex = -100);

// Composite implementation, as the trainer computed it: cross_entropy(logits in fp32, sum): fallback and reference.
at::Tensor crossEntropySumReference(const at::Tensor& logits, const at::Tensor& labels, int64_t ignoreIndex = -100);

}  // namespace l1ra::kernels
