#pragma once
// Memory a run uses: peak CUDA allocations on a GPU, resident set size on the CPU.
#include <cstdint>
#include <string>

namespace l1ra {

int64_t memoryInUse(const std::string& device);

}  // namespace l1ra
