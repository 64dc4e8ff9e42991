#include "l1ra/benchmark.h"

#include "model/cpu_memory_meter.h"
#include "l1ra/error.h"
#include "l1ra/projections.h"
#include "kernels/kernel_threads.h"
#include "l1ra/memory_plan.h"
#include "perf/memory_plan_model.h"
#include "l1ra/runtime.h"
#include "perf/matmul_meter.h"
#include "model/memory_usage.h"
#include "perf/operator_times.h"
#include "model/precision.h"
#include "train/process_group.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdlib>
#include <memory>
#include <sstream>

#include <algorithm>
#include <random>

namespace l1ra {

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Measured rate of a square matrix product in the given dtype (the best of a few repetitions).
double matmulPeakGflops(torch::ScalarType dtype, const torch::Device& device) {
    torch::NoGradGuard noGrad;
    // A GPU needs a product large enough to hide launch overhead; 1024 is about the largest layer on a CPU.
    const int64_t n = device.is_cuda() ? 8192 : 1024;
    auto a = torch::randn({n, n}, torch::TensorOptions().device(device)).to(dtype);
    auto b = torch::randn({n, n}, torch::TensorOptions().device(device)).to(dtype);
    auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };
    torch::matmul(a, b);
    sync();
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        const double t0 = monotonicSeconds();
        for (int i = 0; i < 4; ++i) torch::matmul(a, b);
        sync();
        best = std::max(best, 4 * 2.0 * double(n) * n * n / (monotonicSeconds() - t0) / 1e9);
    }
    return best;
}

// FLOPs of one training step: forward matrix products and attention; a backward pass with input gradients
// everywhere (attention backward counts twice its forward) and weight gradients only where weights train.
double stepFlops(const LlamaConfig& c, const BenchmarkOptions& o, bool fullTraining) {
    const double tokens = double(o.batch) * o.seq, L = double(c.numLayers);
    const double D = double(c.hiddenSize), F = double(c.intermediateSize), V = double(c.vocabSize);
    const double q = double(c.qDim()), kv = double(c.kvDim());
    const double weights = L * (D * (q + 2 * kv) + q * D + 3 * D * F) + D * V;
    const double matmuls = tokens * 2 * weights;
    const double attention = tokens * L * 2.0 * 2.0 * double(o.seq) * q;   // QK^T and PV, full square as computed
    // Adapters: x A^T and h B^T for every projection, summed over in + out features.
    const double adapterWidth = L * double(o.rank) * ((D + q) + 2 * (D + kv) + (q + D) + 2 * (D + F) + (F + D));
    const double adapters = fullTraining ? 0 : tokens * 2 * adapterWidth;
    const double forward = matmuls + attention + adapters;
    const double backward = matmuls + 2 * attention + 2 * adapters + (fullTraining ? matmuls : 0);
    return forward + backward;
}

}  // namespace

namespace {

// One method's model, trainer and measurements.
struct MethodRun {
    BenchmarkOptions options;
    torch::Device device{torch::kCPU};
    std::string deviceName;   // as resolveDevice gives it
    LlamaConfig config;
    std::unique_ptr<Trainer> trainer;
    int budget = 0;
    int64_t ownBytes = 0;   // tensor memory this run holds between steps (model, adapters, moments)
    BenchmarkResult result;
    std::vector<double> stepTimes, forward, backward, optimizer, realloc, matmul, communication, startedInBackward, sumBuckets;
};

void checkOptions(const BenchmarkOptions& o) {
    if (o.baseDtype != "bf16" && o.baseDtype != "int8" && o.baseDtype != "nf4")
        throw Error("bench: the base dtype must be bf16, int8 or nf4, not '" + o.baseDtype + "'");
    if (o.method == Method::Full && o.baseDtype != "bf16") throw Error("bench: method full trains the base weights: it needs --base-dtype bf16");
}

// l1ra plan's estimate for this shape and these settings.
void plan(BenchmarkResult& r, const LlamaConfig& c, const BenchmarkOptions& o, const std::string& device) {
    MemoryPlanRequest q;
    setModelShape(q, c);
    q.method = o.method;
    q.baseDtype = o.baseDtype;
    q.gradientCheckpointing = o.gradientCheckpointing;
    q.seqLen = o.seq;
    q.batchSize = o.batch;
    q.rank = o.rank;
    q.dropout = o.dropout;
    q.precision = r.precision;
    q.device = device;
    const MemoryPlan p = planMemory(q);
    r.plannedPeakBytes = p.peakBytes;
    r.plannedWeightBytes = p.weightBytes;
    r.plannedAdapterBytes = p.adapterBytes;
    r.plannedActivationBytes = p.activationBytes;
    r.plannedWorkspaceBytes = p.workspaceBytes;
}

std::unique_ptr<MethodRun> prepareRun(const BenchmarkOptions& o, const std::string& device, torch::ScalarType precision,
                                      const std::shared_ptr<ProcessGroup>& group) {
    auto run = std::make_unique<MethodRun>();
    const torch::Device dev(device);
    run->options = o;
    run->device = dev;
    run->deviceName = device;
    BenchmarkResult& r = run->result;
    r.options = o;
    r.device = describeDevice(device);
    r.precision = precision == torch::kBFloat16 ? "bf16" : "f32";

    LlamaConfig& c = run->config;
    c.vocabSize = o.vocab;
    c.hiddenSize = o.dim;
    c.intermediateSize = o.ffn;
    c.numLayers = o.layers;
    c.numHeads = o.heads;
    c.numKvHeads = o.kvHeads;
    if (o.heads % o.kvHeads != 0 || o.dim % o.heads != 0) throw Error("bench: heads must divide dim and kv-heads must divide heads");
    c.headDim = o.dim / o.heads;
    c.maxPositions = o.seq;
    const bool full = o.method == Method::Full;
    const torch::ScalarType weights = !full && precision == torch::kBFloat16 ? torch::kBFloat16 : torch::kFloat32;
    const int64_t before = tensorBytes(device);
    auto model = std::make_unique<LlamaModel>(c, dev, weights, o.seed, baseWeightFormat(o.baseDtype));
    r.modelParameters = model->parameterCount();
    plan(r, c, o, device);

    // Random tokens, every position trained: enough sequences for all steps (of every process) without repeats.
    TokenDataset data;
    std::mt19937_64 rng(o.seed);
    const int64_t sequences = int64_t(o.batch) * (o.steps + o.warmup) * (group ? group->size() : 1);
    for (int64_t s = 0; s < sequences; ++s) {
        TokenSequence seq;
        for (int t = 0; t < o.seq; ++t) seq.ids.push_back(int32_t(rng() % uint64_t(o.vocab)));
        seq.trained.assign(std::size_t(o.seq), 1);
        seq.trained[0] = 0;
        data.sequences.push_back(std::move(seq));
    }
    TrainerSettings s;
    s.method = o.method;
    s.adapter.rank = o.rank;
    s.adapter.alpha = 2.0 * o.rank;
    s.adapter.dropout = o.dropout;
    s.adapter.targets = std::vector<std::string>(kProjectionNames.begin(), kProjectionNames.end());
    s.train.steps = o.steps + o.warmup;
    s.train.batchSize = o.batch;
    s.train.lr = full ? 1e-4 : 1e-3;
    s.seed = o.seed;
    s.autocast = precision;
    s.allocator.threshold = 1e-6;
    s.train.gradientCheckpointing = o.gradientCheckpointing;
    run->trainer = std::make_unique<Trainer>(std::move(model), s, std::move(data), TokenDataset{});
    run->trainer->setProcessGroup(group);
    r.worldSize = run->trainer->worldSize();
    r.trainableParameters = run->trainer->trainableParameterCount();
    run->budget = run->trainer->initialBudget();
    run->ownBytes = tensorBytes(device) - before;
    return run;
}

void synchronize(const torch::Device& dev) {
    if (dev.is_cuda()) torch::cuda::synchronize();
}

// One training step of `run` (and its reallocation where one is due), timed; steps after the warm-up recorded.
void measureStep(MethodRun& run, int step, MatmulMeter* meter) {
    const BenchmarkOptions& o = run.options;
    Trainer& trainer = *run.trainer;
    synchronize(run.device);
    if (meter) meter->reset();
    // This run's peak: the process's tensor peak during its step less what the other runs hold meanwhile.
    const int64_t others = tensorBytes(run.deviceName) - run.ownBytes;
    resetTensorPeak(run.deviceName);
    const double t0 = monotonicSeconds();
    const StepResult sr = trainer.step(step, 1e-4);
    synchronize(run.device);
    const double seconds = monotonicSeconds() - t0;
    run.result.peakMemoryBytes = std::max(run.result.peakMemoryBytes, tensorPeakBytes(run.deviceName) - others);
    if (step >= o.warmup) {
        run.stepTimes.push_back(seconds);
        run.forward.push_back(sr.timings.forward);
        run.backward.push_back(sr.timings.backward);
        run.optimizer.push_back(sr.timings.optimizer);
        run.communication.push_back(sr.timings.communication);
        run.startedInBackward.push_back(sr.timings.sumsStartedInBackward);
        run.sumBuckets.push_back(sr.timings.sumBuckets);
        if (meter) run.matmul.push_back(meter->seconds());
    }
    if (trainer.gated() && o.reallocEvery > 0 && (step + 1) % o.reallocEvery == 0) {
        // Zero a fifth of the gates so that the reallocation really moves ranks (the costly case).
        {
            torch::NoGradGuard noGrad;
            for (auto& a : trainer.adapters().adapters()) {
                auto mask = torch::rand({a.rank()}, a.gate.value.options()) < 0.2;
                a.gate.value.masked_fill_(mask, 0.0);
            }
        }
        synchronize(run.device);
        const double r0 = monotonicSeconds();
        trainer.reallocate(step + 1, run.budget, trainer.settings().allocator.threshold);
        synchronize(run.device);
        run.realloc.push_back(monotonicSeconds() - r0);
    }
}

BenchmarkResult finish(MethodRun& run, torch::ScalarType precision) {
    const BenchmarkOptions& o = run.options;
    BenchmarkResult& r = run.result;
    r.stepSeconds = run.stepTimes;
    r.medianStepSeconds = median(run.stepTimes);
    r.forwardSeconds = median(run.forward);
    r.backwardSeconds = median(run.backward);
    r.optimizerSeconds = median(run.optimizer);
    r.reallocationSeconds = median(run.realloc);
    r.matmulSeconds = median(run.matmul);
    r.matmulShare = r.matmulSeconds / r.medianStepSeconds;
    r.communicationSeconds = median(run.communication);
    r.bucketsStartedInBackward = median(run.startedInBackward);
    r.gradientBuckets = median(run.sumBuckets);   // a median too: reallocations resize the trainables
    r.tokensPerSecond = double(o.batch) * o.seq * r.worldSize / r.medianStepSeconds;
    r.flopsPerStep = stepFlops(run.config, o, o.method == Method::Full);
    r.achievedGflops = r.flopsPerStep / r.medianStepSeconds / 1e9;
    r.peakGflops = matmulPeakGflops(precision, run.device);
    r.kernelThreads = kernels::kernelThreadCount();
    return r;
}

// The runs' steps interleaved, their order reversed every step, so that each sees the same machine state.
std::vector<BenchmarkResult> runInterleaved(const std::vector<BenchmarkOptions>& all) {
    const BenchmarkOptions& o = all.front();
    for (const BenchmarkOptions& each : all) checkOptions(each);
    if (o.steps < 1 || o.batch < 1 || o.seq < 2 || o.rank < 1) throw Error("bench: steps, batch, rank must be positive and seq at least 2");
    setThreadCount(o.threads);
    const std::string device = resolveDevice(o.device);
    const torch::Device dev(device);
    if (dev.is_cpu()) installCpuMemoryMeter();
    const int64_t baseline = residentBytes();
    std::shared_ptr<ProcessGroup> group;
    if (o.processes.distributed()) {
        if (all.size() > 1) throw Error("bench: --against compares two methods in one process; leave it out with --nproc");
        group = std::make_shared<ProcessGroup>(o.processes);
    }
    std::vector<std::unique_ptr<MethodRun>> runs;
    for (const auto& options : all) runs.push_back(prepareRun(options, device, resolvePrecision(options.precision, dev), group));
    resetResidentPeak();

    // On the CPU, the wall time inside matrix products (on CUDA they return once queued: not measured there).
    std::unique_ptr<MatmulMeter> meter = dev.is_cpu() ? std::make_unique<MatmulMeter>() : nullptr;
    std::unique_ptr<OperatorTimes> operatorTimes = o.operators ? std::make_unique<OperatorTimes>() : nullptr;
    std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
    for (int step = 0; step < o.warmup + o.steps; ++step) {
        // L1RA_PROFILE=trace.json records the measured steps' operators (chrome://tracing format).
        if (const char* trace = std::getenv("L1RA_PROFILE"); trace && step == o.warmup)
            profile = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(trace));
        if (operatorTimes && step == o.warmup) operatorTimes->reset();   // the measured steps only
        for (std::size_t i = 0; i < runs.size(); ++i) measureStep(*runs[step % 2 ? runs.size() - 1 - i : i], step, meter.get());
    }
    profile.reset();
    meter.reset();
    const int64_t processPeak = dev.is_cpu() ? residentPeakBytes() : 0;
    std::vector<BenchmarkResult> results;
    for (auto& run : runs) {
        results.push_back(finish(*run, resolvePrecision(run->options.precision, dev)));
        results.back().processPeakBytes = processPeak;
        results.back().baselineBytes = dev.is_cpu() ? baseline : 0;
    }
    if (operatorTimes) {
        for (const OperatorTime& t : operatorTimes->entries())
            results[0].operators.push_back({t.name, t.seconds / o.steps, double(t.calls) / o.steps, t.nested});
    }
    return results;
}

}  // namespace

BenchmarkResult runBenchmark(const BenchmarkOptions& o) { return runInterleaved({o}).front(); }

BenchmarkOptions benchmarkAgainst(const BenchmarkOptions& o, const std::string& against) {
    BenchmarkOptions other = o;
    if (against.find('=') == std::string::npos) {
        if (!parseMethod(against, &other.method))
            throw Error("bench: --against must be lora, l1ra or full, not '" + against + "'");
        return other;
    }
    std::stringstream items(against);
    std::string item;
    while (std::getline(items, item, ',')) {
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (key == "method") {
            if (!parseMethod(value, &other.method)) throw Error("bench: --against must be lora, l1ra or full, not '" + value + "'");
        }
        else if (key == "base-dtype") other.baseDtype = value;
        else if (key == "precision") other.precision = value;
        else if (key == "grad-checkpointing" && (value == "true" || value == "false")) other.gradientCheckpointing = value == "true";
        else throw Error("bench: --against '" + item + "' is not method=M, base-dtype=D, precision=P or grad-checkpointing=true|false");
    }
    return other;
}

SideBySideResult runBenchmarkSideBySide(const BenchmarkOptions& o, const std::string& against) {
    if (o.operators) throw Error("bench: --operators times one method; leave out --against");
    SideBySideResult s;
    const auto results = runInterleaved({o, benchmarkAgainst(o, against)});
    s.method = results[0];
    s.against = results[1];
    s.stepRatio = s.method.medianStepSeconds / s.against.medianStepSeconds;
    std::vector<double> paired;
    for (std::size_t i = 0; i < s.method.stepSeconds.size(); ++i) paired.push_back(s.method.stepSeconds[i] / s.against.stepSeconds[i]);
    s.pairedStepRatio = median(paired);
    return s;
}

namespace {

nlohmann::json resultJson(const BenchmarkResult& r) {
    const auto& o = r.options;
    // The matrix-product time is measured on the CPU only: null elsewhere.
    const auto cpuOnly = [&](double v) { return r.matmulSeconds > 0 ? nlohmann::json(v) : nlohmann::json(); };
    nlohmann::json j{
        {"engine", "l1ra"},
        {"method", methodName(o.method)},
        {"precision", r.precision},
        {"base_dtype", o.baseDtype},
        {"gradient_checkpointing", o.gradientCheckpointing},
        {"device", r.device},
        {"shape", {{"vocab", o.vocab}, {"dim", o.dim}, {"layers", o.layers}, {"heads", o.heads}, {"kv_heads", o.kvHeads},
                   {"ffn", o.ffn}, {"seq", o.seq}, {"batch", o.batch}, {"rank", o.rank}}},
        {"steps", o.steps},
        {"dropout", o.dropout},
        {"tokens_per_s", r.tokensPerSecond},
        {"median_step_s", r.medianStepSeconds},
        {"forward_s", r.forwardSeconds},
        {"backward_s", r.backwardSeconds},
        {"optimizer_s", r.optimizerSeconds},
        {"reallocation_s", r.reallocationSeconds},
        {"matmul_s", cpuOnly(r.matmulSeconds)},
        {"matmul_share", cpuOnly(r.matmulShare)},
        {"peak_memory_bytes", r.peakMemoryBytes},
        {"process_peak_bytes", r.processPeakBytes > 0 ? nlohmann::json(r.processPeakBytes) : nlohmann::json()},
        {"baseline_bytes", r.baselineBytes > 0 ? nlohmann::json(r.baselineBytes) : nlohmann::json()},
        {"planned_peak_bytes", r.plannedPeakBytes},
        {"planned", {{"weights_bytes", r.plannedWeightBytes}, {"adapters_bytes", r.plannedAdapterBytes},
                     {"activations_bytes", r.plannedActivationBytes}, {"workspace_bytes", r.plannedWorkspaceBytes}}},
        {"flops_per_step", r.flopsPerStep},
        {"achieved_gflops", r.achievedGflops},
        {"peak_gflops", r.peakGflops},
        {"kernel_threads", r.kernelThreads},
        {"trainable_parameters", r.trainableParameters},
        {"model_parameters", r.modelParameters}};
    if (r.worldSize > 1) {
        j["processes"] = r.worldSize;
        j["communication_s"] = r.communicationSeconds;
        j["gradient_buckets"] = r.gradientBuckets;
        j["buckets_started_during_backward"] = r.bucketsStartedInBackward;
    }
    if (o.operators) {
        j["operators"] = nlohmann::json::array();
        for (const auto& op : r.operators)
            j["operators"].push_back({{"name", op.name}, {"s_per_step", op.secondsPerStep}, {"calls_per_step", op.callsPerStep}, {"nested", op.nested}});
    }
    return j;
}

}  // namespace

std::string benchmarkResultToJson(const BenchmarkResult& r) { return resultJson(r).dump(); }

std::string sideBySideResultToJson(const SideBySideResult& s) {
    nlohmann::json j = resultJson(s.method);
    j["against"] = resultJson(s.against);
    j["step_ratio"] = s.stepRatio;
    j["paired_step_ratio"] = s.pairedStepRatio;
    return j.dump();
}

}  // namespace l1ra
