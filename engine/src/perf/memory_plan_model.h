#pragma once
// The arithmetic behind l1ra::planMemory: what a training step of the engine allocates, tensor by tensor, from the
// model's shape and the run's settings. Plain C++ (no torch). docs/engine.md ("Memory") lists the terms; the
// estimate is checked against measured peaks in tst_memory_plan and docs/performance.md.
#include "l1ra/memory_plan.h"
#include "io/model_config.h"

#include <cstdint>

namespace l1ra {

struct MemoryEstimate {
    int64_t weights = 0, adapters = 0, activations = 0, workspace = 0;
};

MemoryEstimate estimateTrainingMemory(const MemoryPlanRequest& request);

// The model's shape into a request (sizes, tied embeddings, biases).
void setModelShape(MemoryPlanRequest& request, const LlamaConfig& config);

// Bytes a quantised (or dense) projection weight of rows × cols holds, as kernels::quantizeWeight stores it.
int64_t frozenWeightBytes(int64_t rows, int64_t cols, const std::string& baseDtype, bool doubleQuant, int64_t denseElementSize);

// Memory beyond tensors: the process's code and libraries on the CPU, the CUDA context on a GPU (estimates).
int64_t processOverheadBytes(const std::string& device);
// peak + overhead, with a 10 % margin for the allocator (rounding, fragmentation), within the free memory.
bool fitsIn(int64_t peakBytes, int64_t overheadBytes, int64_t freeBytes);

}  // namespace l1ra
