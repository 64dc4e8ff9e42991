#include "memory_usage.h"

#include <unistd.h>

#include <fstream>

#if defined(L1RA_WITH_CUDA) && __has_include(<c10/cuda/CUDACachingAllocator.h>) && __has_include(<cuda_runtime_api.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define L1RA_CUDA_MEMORY 1
#endif

namespace l1ra {

int64_t memoryInUse(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (device.rfind("cuda", 0) == 0) {
        const int index = device.size() > 5 ? std::stoi(device.substr(5)) : 0;
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
        return stats.allocated_bytes[0].peak;
    }
#endif
    (void)device;
    std::ifstream statm("/proc/self/statm");
    int64_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * int64_t(::sysconf(_SC_PAGESIZE));
}

}  // namespace l1ra
