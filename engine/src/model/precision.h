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

// The thread's autocast settings, to be set again later: a checkpointed layer recomputes its forward pass in the
// backward pass, outside the AutocastScope its first pass ran in.
struct AutocastState {
    bool cpu = false, cuda = false;
    torch::ScalarType cpuDtype = torch::kBFloat16, cudaDtype = torch::kHalf;
};
AutocastState currentAutocast();

// Sets a captured state for a scope and puts the previous one back afterwards.
class AutocastRestore {
public:
    explicit AutocastRestore(const AutocastState& state);
    ~AutocastRestore();
    AutocastRestore(const AutocastRestore&) = delete;
    AutocastRestore& operator=(const AutocastRestore&) = delete;

private:
    AutocastState previous_;
};

}  // namespace l1ra
