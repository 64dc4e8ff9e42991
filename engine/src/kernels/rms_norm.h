#pragma once
// RMSNorm with Hugging Face's LlamaRMSNorm semantics, forward and backward fused per row.
#include <ATen/core/Tensor.h>

namespace l1ra::kernels {

// x [.., D], weight [D]. HF: n = x / sqrt(mean(x²) + eps) computed in fp32, rounded to x's dtype, then
// weight * n with PyTorch's type promotion, so the result dtype is promote(weight, x):
//   x bf16, w bf16 -> bf16 (w · bf16(n) rounded to bf16);  x bf16, w fp32 -> fp32 (w · bf16(n));
//   x fp32, w bf16 -> fp32 (w · n);                        x fp32, w fp32 -> fp32.
// Double x with double weight is normalised in double (HF would use fp32): for gradient checks.
// Gradients for x and, when it requires grad (full fine-tuning), for weight; the weight gradient is summed in a
// fixed order, the same for any thread count. Not autocast-aware (HF's module is not either).
// Fused on CPU for those dtype pairs; elsewhere the composite reference runs.
at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);

// Composite implementation, the body of LlamaModel::rmsNorm: fallback and reference.
at::Tensor rmsNormReference(const at::Tensor& x, const at::Tensor& weight, double eps);

}  // namespace l1ra::kernels
