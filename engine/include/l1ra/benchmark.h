#pragma once
// `l1ra bench`: training throughput of a model of a given shape (random weights, random tokens), for LoRA,
// L1RA or full fine-tuning, with the step split into its phases and the FLOP rate against this machine's
// measured matrix-product peak. docs/performance.md holds the figures.
#include "l1ra/api.h"
#include "l1ra/method.h"
#include "l1ra/distributed.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct BenchmarkOptions {
    int64_t vocab = 2048, dim = 256, layers = 4, heads = 8, kvHeads = 4, ffn = 688;
    int seq = 256, batch = 8, rank = 8;
    Method method = Method::L1RA;
    std::string precision = "auto";   // auto | f32 | bf16
    std::string device = "cpu";
    int steps = 20, warmup = 3;
    int threads = 0;
    int reallocEvery = 10;            // L1RA: a reallocation every N steps (a fifth of the gates zeroed first)
    double dropout = 0.1;             // adapter dropout
    std::string baseDtype = "bf16";   // frozen projections: bf16 (the compute dtype) | int8 | nf4 (--base-dtype)
    bool gradientCheckpointing = false;   // --grad-checkpointing
    bool operators = false;           // also time every operator (--operators)
    uint64_t seed = 1;
    // One process of a data-parallel benchmark (`l1ra bench --nproc N` starts them): `batch` sequences each.
    ProcessGroupSetup processes;
};

// Wall time of one operator per measured step: the outermost operators of a step and the engine's own l1ra::
// scopes inside them (nested: their time is also in the enclosing operator's).
struct BenchmarkOperator {
    std::string name;
    double secondsPerStep = 0;
    double callsPerStep = 0;
    bool nested = false;
};

struct BenchmarkResult {
    BenchmarkOptions options;
    std::string device;               // resolved, with thread count
    std::string precision;            // f32 | bf16
    double tokensPerSecond = 0;       // median
    double medianStepSeconds = 0;
    double forwardSeconds = 0, backwardSeconds = 0, optimizerSeconds = 0;   // medians per step
    double reallocationSeconds = 0;   // median per reallocation (0 without L1RA)
    double matmulSeconds = 0;         // CPU: median wall time per step inside matrix products (0 on CUDA)
    double matmulShare = 0;           // CPU: matmulSeconds / medianStepSeconds
    // Tensor memory at its peak over the steps, this method's alone (also beside another method with --against):
    // CUDA the caching allocator's count; CPU the engine's counting allocator's (cpu_memory_meter.h). What
    // `l1ra plan` estimates; neither counts the process's code and libraries or the CUDA context.
    int64_t peakMemoryBytes = 0;
    int64_t processPeakBytes = 0;     // CPU: the resident set's high-water mark over the steps (whole process)
    int64_t baselineBytes = 0;        // CPU: the resident set before any model existed (LibTorch and its libraries)
    int64_t plannedPeakBytes = 0;     // l1ra plan's estimate of peakMemoryBytes, and its four parts
    int64_t plannedWeightBytes = 0, plannedAdapterBytes = 0, plannedActivationBytes = 0, plannedWorkspaceBytes = 0;
    double flopsPerStep = 0;          // model FLOPs (matrix products and attention) of one step
    double achievedGflops = 0;
    double peakGflops = 0;            // measured matrix-product rate in the step's precision
    int kernelThreads = 0;            // threads the fused CPU kernels ran on (the thread count, unless misbuilt)
    std::vector<BenchmarkOperator> operators;   // with options.operators, longest first
    std::vector<double> stepSeconds;  // every measured step, in order
    int64_t trainableParameters = 0;
    int64_t modelParameters = 0;
    int worldSize = 1;                // data-parallel processes; tokensPerSecond counts all of them
    double communicationSeconds = 0;  // median per step: waiting for the gradient sums after the backward pass (in optimizerSeconds)
    double gradientBuckets = 0;       // median per step: the gradient sums
    double bucketsStartedInBackward = 0;   // median per step: of them, started while the backward pass ran
};

// Two methods on the same shape in one process (`--against`), their steps interleaved with the order reversed
// every step, so that both see the same machine state: on a shared host whose speed drifts by ±10 % within a
// minute, separate runs cannot resolve a difference of a few percent.
struct SideBySideResult {
    BenchmarkResult method, against;
    double stepRatio = 0;         // method's median step / against's median step
    double pairedStepRatio = 0;   // median over steps of the ratio of the two methods' step at the same index
};

BenchmarkResult runBenchmark(const BenchmarkOptions& options);
// `against`: a method ("lora"), or settings that differ from `options`, comma-separated key=value with keys method,
// base-dtype, grad-checkpointing, precision ("base-dtype=bf16,grad-checkpointing=false").
SideBySideResult runBenchmarkSideBySide(const BenchmarkOptions& options, const std::string& against);
BenchmarkOptions benchmarkAgainst(const BenchmarkOptions& options, const std::string& against);   // throws l1ra::Error
std::string benchmarkResultToJson(const BenchmarkResult& r);
// The method's object with the other method's under "against", and "step_ratio", "paired_step_ratio".
std::string sideBySideResultToJson(const SideBySideResult& s);

}  // namespace l1ra
L1RA_API_END
