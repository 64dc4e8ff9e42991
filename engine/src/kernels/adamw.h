#pragma once
// The AdamW update of a list of tensors (torch.optim.AdamW's arithmetic, decoupled weight decay). On the CPU,
// for fp32 tensors, one pass over all their elements; the reference runs the same arithmetic as nine _foreach
// operations, which on the CPU are loops of one small kernel per tensor (~750 a step for 84 adapter tensors).
#include <ATen/core/Tensor.h>

namespace l1ra::kernels {

struct AdamWStep {
    double lr = 0, weightDecay = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    double bias1 = 1, bias2 = 1;   // 1 − β1^t and 1 − β2^t
};

// value <- value·(1 − lr·decay); m <- β1·m + (1 − β1)·g; v <- β2·v + (1 − β2)·g²;
// value <- value − lr/bias1 · m / (√(v / bias2) + eps). In place on values, expAvg and expAvgSq.
// Fused for contiguous fp32 CPU tensors of matching sizes; anything else takes adamWReference.
void adamW(at::TensorList values, at::TensorList grads, at::TensorList expAvg, at::TensorList expAvgSq,
           const AdamWStep& step);

// The same with _foreach operations (one kernel per list on CUDA): fallback and reference.
void adamWReference(at::TensorList values, at::TensorList grads, at::TensorList expAvg, at::TensorList expAvgSq,
                    const AdamWStep& step);

}  // namespace l1ra::kernels
