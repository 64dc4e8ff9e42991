#pragma once
// A memory plan before a run starts (`l1ra plan`, the studio's Setup page): the expected peak of a training step
// split into weights, adapters with their optimizer state, activations and workspace, for the chosen device,
// with a verdict against the device's free memory and the cheapest change that makes the run fit.
// The estimate counts tensor memory, what `l1ra bench` reports as peak_memory_bytes (CPU: counted by the
// engine's allocator; CUDA: the caching allocator's peak); docs/engine.md ("Memory") says how it is derived.
#include "l1ra/api.h"
#include "l1ra/method.h"
#include "l1ra/run_config.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

// Everything the estimate depends on: the model's shape and the run's settings, resolved.
struct MemoryPlanRequest {
    int64_t vocab = 0, dim = 0, layers = 0, heads = 0, kvHeads = 0, headDim = 0, ffn = 0;
    bool tiedEmbeddings = false;
    bool qkvBias = false, oBias = false, mlpBias = false;
    Method method = Method::L1RA;
    std::string baseDtype = "bf16";       // bf16 | int8 | nf4
    bool doubleQuant = true;
    bool gradientCheckpointing = false;
    int64_t seqLen = 256, batchSize = 4, gradAccum = 1;
    int64_t rank = 8;                     // adapter.rank (reallocation keeps the total)
    std::vector<std::string> targets;     // adapted projections; empty = all seven
    double dropout = 0.1;
    std::string precision = "bf16";       // resolved compute precision: bf16 | f32
    std::string device = "cpu";           // resolved: cpu | cuda | cuda:N
};

// One way to need less memory, with the peak it gives.
struct MemoryPlanChange {
    std::string what;        // "nf4 base weights"
    std::string settings;    // the run-config assignments: "model.base_dtype=nf4"
    int64_t peakBytes = 0;
    bool fits = false;
};

struct MemoryPlan {
    MemoryPlanRequest request;
    int64_t weightBytes = 0;       // the frozen model (quantised projections as stored)
    int64_t adapterBytes = 0;      // trainable tensors, their gradients and AdamW's two moments
    int64_t activationBytes = 0;   // what the forward pass keeps for the backward pass, at the peak
    int64_t workspaceBytes = 0;    // temporaries alive at the peak (gradients in flight, a dequantised weight, ...)
    int64_t peakBytes = 0;         // the four together
    int64_t overheadBytes = 0;     // beyond tensors: the process's libraries (CPU) or the CUDA context, estimated
    int64_t freeBytes = -1;        // the device's free memory (-1: unknown)
    bool fits = true;              // peak + overhead + 10 % within the free memory (true when unknown)
    std::vector<MemoryPlanChange> changes;   // cheapest first
    std::string advice;            // the cheapest change that fits; empty when it fits or nothing does
};

// The request for a run config: the model folder's config.json is read (not its weights), "auto" device and
// precision resolved as a run resolves them. Throws l1ra::Error naming the file.
MemoryPlanRequest memoryPlanRequest(const RunConfig& config);
// The estimate; freeBytes < 0 leaves the verdict open.
MemoryPlan planMemory(const MemoryPlanRequest& request, int64_t freeBytes = -1);
// Free memory of a device now: CPU the system's available memory, CUDA the driver's free figure; -1 if unknown.
int64_t deviceFreeBytes(const std::string& device);
// memoryPlanRequest + the device's free memory + planMemory.
MemoryPlan planRunMemory(const RunConfig& config);

std::string memoryPlanToJson(const MemoryPlan& plan, int indent = -1);
// A few lines for a terminal or a label: the split, the verdict and the advice.
std::string memoryPlanText(const MemoryPlan& plan);
std::string formatBytes(int64_t bytes);   // "1.23 GiB", "512.0 MiB"

}  // namespace l1ra
L1RA_API_END
