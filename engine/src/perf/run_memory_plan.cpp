// The parts of the memory plan that ask the machine: a run config's model shape and resolved device and precision,
// and a device's free memory. (The arithmetic is memory_plan_model.cpp, without torch.)
#include "l1ra/memory_plan.h"

#include "l1ra/runtime.h"
#include "perf/memory_plan_model.h"
#include "model/precision.h"

#include <fstream>
#include <sstream>

#if defined(L1RA_WITH_CUDA) && __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define L1RA_CUDA_FREE_MEMORY 1
#endif

namespace l1ra {

MemoryPlanRequest memoryPlanRequest(const RunConfig& c) {
    MemoryPlanRequest r;
    setModelShape(r, loadLlamaConfig(c.model.path));
    r.method = c.method;
    r.baseDtype = c.model.baseDtype;
    r.doubleQuant = c.model.doubleQuant;
    r.gradientCheckpointing = c.train.gradientCheckpointing;
    r.seqLen = c.train.seqLen;
    r.batchSize = c.train.batchSize;
    r.gradAccum = c.train.gradAccum;
    r.rank = c.adapter.rank;
    r.targets = c.adapter.targets;
    r.dropout = c.adapter.dropout;
    // A CUDA device is planned for as named even on a machine without one (to ask whether a card would do).
    r.device = c.device.rfind("cuda", 0) == 0 ? c.device : resolveDevice(c.device);
    r.precision = resolvePrecision(c.train.precision, torch::Device(r.device)) == torch::kBFloat16 ? "bf16" : "f32";
    return r;
}

int64_t deviceFreeBytes(const std::string& device) {
#ifdef L1RA_CUDA_FREE_MEMORY
    if (device.rfind("cuda", 0) == 0) {
        int previous = 0;
        cudaGetDevice(&previous);
        cudaSetDevice(device.size() > 5 ? std::stoi(device.substr(5)) : 0);
        std::size_t free = 0, total = 0;
        const bool ok = cudaMemGetInfo(&free, &total) == cudaSuccess;
        cudaSetDevice(previous);
        return ok ? int64_t(free) : -1;
    }
#endif
    if (device.rfind("cuda", 0) == 0) return -1;
    // The kernel's estimate of what can be allocated without swapping.
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream fields(line.substr(13));
        int64_t kib = 0;
        fields >> kib;
        return kib * 1024;
    }
    return -1;
}

}  // namespace l1ra
