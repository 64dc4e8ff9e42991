#pragma once
// Mixed precision: bf16 autocast on the training thread (thread-local in LibTorch), switched on for a scope.
#include <torch/torch.h>

#include <string>

namespace l1ra {

// "auto" -> bf16 on CUDA and on CPUs with native bf16 matrix units, else f32. Returns the autocast dtype
// (kFloat32 = no autocast).
torch::ScalarType resolvePrecision(const std::string& requested, const torch::Device& device);
bool cpuHasNativeBf16();

class AutocastScope {
public:
    AutocastScope(torch::ScalarType dtype, const torch::Device& device);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool active_ = false;
    bool cuda_ = false;
};

}  // namespace l1ra
