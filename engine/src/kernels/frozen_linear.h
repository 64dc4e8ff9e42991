#pragma once
// x · Wᵀ with a frozen weight that may be quantised. A plain linear would save the dequantised weight for the
// backward pass, keeping a dense copy of every layer's weight alive until then: this node keeps the quantised
// tensors and dequantises again in the backward (the weight never gets a gradient).
#include "kernels/frozen_weight.h"

#include <ATen/core/Tensor.h>

namespace torch::autograd {
struct AutogradContext;
}

namespace l1ra::kernels {

// x [..., cols] -> [..., rows], in the weight's dtype (x is cast to it: the product is the base projection of
// an autocast region). A dense weight goes to at::linear unchanged (differentiable in the weight there).
at::Tensor frozenLinear(const at::Tensor& x, const FrozenWeight& weight);

// The tensors a quantised weight is made of, for saved_data of an autograd node: saving them holds no new
// memory; unpack rebuilds the weight in the backward.
void packFrozenWeight(torch::autograd::AutogradContext* ctx, const FrozenWeight& weight);
FrozenWeight unpackFrozenWeight(torch::autograd::AutogradContext* ctx);

}  // namespace l1ra::kernels
