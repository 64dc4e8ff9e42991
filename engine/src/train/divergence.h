#pragma once
// Finding what went non-finite in a step (docs/training-failures.md).
#include "train/gradient_poison.h"
#include "train/trainable_tensor.h"

#include <string>
#include <vector>

namespace l1ra {

// The first tensor (in trainables() order) whose gradient holds a NaN or an infinity; "gradient norm" when every
// gradient is finite (their global norm overflowed); "" when there are no gradients.
std::string firstNonFiniteGradient(const std::vector<TrainableTensor*>& params);

// The first of the tensors, values then Adam moments, that holds a NaN or an infinity (by its name, with
// ".exp_avg" / ".exp_avg_sq" for a moment), or "" when all are finite.
std::string firstNonFiniteState(const std::vector<TrainableTensor*>& params);

// Applies poisonGradientForTesting's hook (called by the trainer after the backward pass).
void applyGradientPoison(int step, const std::vector<TrainableTensor*>& params);

}  // namespace l1ra
