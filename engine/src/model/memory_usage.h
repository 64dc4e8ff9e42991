#pragma once
// Memory a run uses. Step events report memoryInUse: peak CUDA allocations on a GPU, the resident set on the CPU.
// Benchmarks and memory plans count tensor memory: the CUDA caching allocator's figures, or on the CPU the engine's
// counting allocator (cpu_memory_meter.h, installed by whoever measures).
#include <cstdint>
#include <string>

namespace l1ra {

int64_t memoryInUse(const std::string& device);

int64_t tensorBytes(const std::string& device);       // live tensor memory now
int64_t tensorPeakBytes(const std::string& device);   // its peak since the last reset
void resetTensorPeak(const std::string& device);      // the peak starts again from what is live
void releaseCachedMemory(const std::string& device);  // CUDA: the caching allocator's free blocks back to the driver

// The process's resident set now and its high-water mark; resetting the mark (/proc/self/clear_refs) may be
// refused by the kernel, then the mark covers the whole process lifetime.
int64_t residentBytes();
int64_t residentPeakBytes();
void resetResidentPeak();

}  // namespace l1ra
