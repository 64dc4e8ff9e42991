#pragma once
// Process-wide compute settings: thread count and device choice.
#include "l1ra/api.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

// The machine's cores (or L1RA_THREADS when set): the default thread count.
int defaultThreadCount();
// Sets LibTorch's intra-op threads (and OpenBLAS's, so the two pools do not fight). n <= 0 means default.
void setThreadCount(int n);
int threadCount();

bool cudaAvailable();
// "auto" -> "cuda" when available, else "cpu"; "cuda" / "cuda:N" / "cpu" are checked. Throws l1ra::Error.
std::string resolveDevice(const std::string& requested);
// "cpu (2 threads)" or "cuda:0 (NVIDIA ...)" for status bars and logs.
std::string describeDevice(const std::string& device);

}  // namespace l1ra
L1RA_API_END
