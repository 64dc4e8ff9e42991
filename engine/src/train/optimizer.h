#pragma once
// AdamW with L1RA's gate group, and the decoupled L1 shrink (DESIGN.md section 1).
// The moments live in each TrainableTensor, so resizing a tensor resizes its optimizer state with it.
#include "train/trainable_tensor.h"

#include <vector>

namespace l1ra {

struct OptimizerSettings {
    double lr = 2e-4;            // this step's scheduled learning rate (Weights and NoDecay groups)
    double weightDecay = 0.0;    // Weights group only
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double gateLr = 2e-2;        // eta_c: constant, no weight decay
};

// Global L2 norm of all gradients (tensors without a gradient count as zero).
double gradientNorm(const std::vector<TrainableTensor*>& params);
// Scales gradients so that their global norm is at most maxNorm (when maxNorm > 0 and the norm exceeds it).
void clipGradients(const std::vector<TrainableTensor*>& params, double norm, double maxNorm);

// One AdamW step over every tensor that has a gradient; clears the gradients afterwards.
void adamwStep(const std::vector<TrainableTensor*>& params, const OptimizerSettings& s);

// After the step: c <- clamp(c - eta_c * lambda, 0, 1) for every Gates tensor.
void shrinkGates(const std::vector<TrainableTensor*>& params, double gateLr, double lambda);

}  // namespace l1ra
