#pragma once
// A tensor the optimizer updates, with its AdamW moments beside it, so that code which resizes the tensor
// (rank reallocation) resizes the moments in the same place.
#include <torch/torch.h>

#include <string>

namespace l1ra {

enum class ParamGroup {
    Weights,   // A, B (or all weights in full fine-tuning): scheduled lr, weight decay
    Gates,     // L1RA gates: constant eta_c, no weight decay, L1 shrink after each step
    NoDecay,   // norms in full fine-tuning: scheduled lr, no weight decay
};

struct TrainableTensor {
    std::string name;
    ParamGroup group = ParamGroup::Weights;
    torch::Tensor value;    // a leaf with requires_grad
    torch::Tensor expAvg;   // Adam first moment, same shape (fp32)
    torch::Tensor expAvgSq; // Adam second moment
    int64_t steps = 0;      // optimizer steps taken (for bias correction)

    void initMoments() {
        expAvg = torch::zeros_like(value, torch::TensorOptions().dtype(torch::kFloat32));
        expAvgSq = torch::zeros_like(value, torch::TensorOptions().dtype(torch::kFloat32));
    }
};

}  // namespace l1ra
