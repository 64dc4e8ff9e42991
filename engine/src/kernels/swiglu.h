#pragma once
// SwiGLU activation on the fused gate|up projection output, forward and backward fused per element.
#include <ATen/core/Tensor.h>

namespace l1ra::kernels {

// gateUp [.., 2F] (gate in the first F columns, up in the last F, as torch::linear with the fused weight gives)
// -> silu(gate) ⊙ up [.., F] in gateUp's dtype, computed in fp32 and rounded once. The backward writes one
// [.., 2F] gradient. Not autocast-aware: keeps the input dtype (bf16 under autocast, as the eager ops would).
// Fused on CPU for fp32, bf16 and double; elsewhere the composite reference runs.
at::Tensor swiglu(const at::Tensor& gateUp);

// Composite implementation, silu(narrow(gate)) * narrow(up): fallback and reference.
at::Tensor swigluReference(const at::Tensor& gateUp);

}  // namespace l1ra::kernels
