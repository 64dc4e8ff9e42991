#include "l1ra/version.h"

#include "l1ra/runtime.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace l1ra {

std::string projectVersion() { return L1RA_VERSION; }

std::string libtorchVersion() { return TORCH_VERSION; }

std::string versionReport(const std::string& program) {
    std::string cuda = "CUDA: not available";
    if (cudaAvailable()) cuda = "CUDA: available (" + std::to_string(torch::cuda::device_count()) + " devices)";
    return program + " " + projectVersion() + "\nLibTorch " + libtorchVersion() + "\n" + cuda + "\n";
}

}  // namespace l1ra
