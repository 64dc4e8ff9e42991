#pragma once
// What this build is: for `l1ra --version`, `l1ra-studio --version` and bug reports. Plain strings, so front ends
// need not include torch to say which LibTorch they run on.
#include "l1ra/api.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

std::string projectVersion();    // "0.1.0" (CMake's project version)
std::string libtorchVersion();   // "1.13.0": the LibTorch the engine was built against
// Three lines: "<program> <version>", "LibTorch <version>", "CUDA: available (N devices)" or "CUDA: not available".
std::string versionReport(const std::string& program);

}  // namespace l1ra
L1RA_API_END
