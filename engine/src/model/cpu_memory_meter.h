#pragma once
// Tensor memory on the CPU, counted the way CUDA's caching allocator counts it on a GPU: a CPU allocator around
// LibTorch's own that keeps the bytes of live tensors (oneDNN's buffers included: they come from it too) and their
// peak. The process's resident set also holds code, libraries and memory the C library keeps after a free; this
// count is what the run's tensors need, the figure `l1ra plan` estimates (docs/engine.md, "Memory").
#include <cstdint>

namespace l1ra {

// From the first call on, every CPU tensor allocated is counted (earlier ones are not). Idempotent.
void installCpuMemoryMeter();
bool cpuMemoryMeterInstalled();
int64_t cpuTensorBytes();       // live now
int64_t cpuTensorPeakBytes();   // the most live at once since the last reset
void resetCpuTensorPeak();      // the peak starts again from what is live now
// An allocation that would take the live bytes past `bytes` fails as CUDA's does (c10::OutOfMemoryError): a small
// device simulated on the CPU (L1RA_CPU_MEMORY_LIMIT). 0 = no limit. Installs the meter.
void setCpuTensorLimit(int64_t bytes);
// Sets the limit from L1RA_CPU_MEMORY_LIMIT (bytes, or with a K, M, G suffix) when that is set; throws l1ra::Error
// for a value that is not a size.
void applyCpuMemoryLimitFromEnvironment();

}  // namespace l1ra
