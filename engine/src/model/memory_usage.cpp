#include "model/memory_usage.h"

#include "model/cpu_memory_meter.h"

#include <unistd.h>

#include <fstream>
#include <string>

#if defined(L1RA_WITH_CUDA) && __has_include(<c10/cuda/CUDACachingAllocator.h>) && __has_include(<cuda_runtime_api.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define L1RA_CUDA_MEMORY 1
#endif

namespace l1ra {

namespace {

bool isCuda(const std::string& device) { return device.rfind("cuda", 0) == 0; }

#ifdef L1RA_CUDA_MEMORY
int cudaIndex(const std::string& device) { return device.size() > 5 ? std::stoi(device.substr(5)) : 0; }
#endif

// A "Vm...:   1234 kB" line of /proc/self/status, in bytes.
int64_t statusField(const char* name) {
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(name) + ":";
    while (std::getline(status, line))
        if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size())) * 1024;
    return 0;
}

}  // namespace

int64_t memoryInUse(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (isCuda(device)) return c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device)).allocated_bytes[0].peak;
#endif
    (void)device;
    std::ifstream statm("/proc/self/statm");
    int64_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * int64_t(::sysconf(_SC_PAGESIZE));
}

int64_t tensorBytes(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (isCuda(device)) return c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device)).allocated_bytes[0].current;
#endif
    return isCuda(device) ? 0 : cpuTensorBytes();
}

int64_t tensorPeakBytes(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (isCuda(device)) return c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device)).allocated_bytes[0].peak;
#endif
    return isCuda(device) ? 0 : cpuTensorPeakBytes();
}

void resetTensorPeak(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (isCuda(device)) {
        c10::cuda::CUDACachingAllocator::resetPeakStats(cudaIndex(device));
        return;
    }
#endif
    if (!isCuda(device)) resetCpuTensorPeak();
}

void releaseCachedMemory(const std::string& device) {
#ifdef L1RA_CUDA_MEMORY
    if (isCuda(device)) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
    (void)device;
}

int64_t residentBytes() { return statusField("VmRSS"); }
int64_t residentPeakBytes() { return statusField("VmHWM"); }

void resetResidentPeak() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

}  // namespace l1ra
