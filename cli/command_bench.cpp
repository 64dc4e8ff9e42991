#include "arguments.h"
#include "commands.h"
#include "l1ra/benchmark.h"
#include "l1ra/error.h"
#include "l1ra/memory_plan.h"
#include "l1ra/runtime.h"
#include "local_workers.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace l1ra::cli {

namespace {

void printResult(std::ostream& out, const BenchmarkResult& r) {
    const BenchmarkOptions& o = r.options;
    char buf[1024];
    std::snprintf(buf, sizeof(buf),
                  "%s, %s, base %s%s, %s: %lld trainable of %lld parameters\n"
                  "  tokens/s          %10.0f\n"
                  "  median step       %10.4f s  (forward %.4f, backward %.4f, optimizer %.4f)\n"
                  "  reallocation      %10.4f s\n"
                  "  peak memory       %10.1f MiB  (tensors; planned %.1f MiB)\n"
                  "  achieved          %10.1f GFLOP/s  (%.1f %% of the measured matrix-product peak, %.1f GFLOP/s)\n",
                  methodName(o.method), r.precision.c_str(), o.baseDtype.c_str(), o.gradientCheckpointing ? ", checkpointing" : "",
                  r.device.c_str(), (long long)r.trainableParameters, (long long)r.modelParameters, r.tokensPerSecond,
                  r.medianStepSeconds, r.forwardSeconds, r.backwardSeconds, r.optimizerSeconds, r.reallocationSeconds,
                  double(r.peakMemoryBytes) / (1 << 20), double(r.plannedPeakBytes) / (1 << 20), r.achievedGflops,
                  100 * r.achievedGflops / r.peakGflops, r.peakGflops);
    out << buf;
    if (r.processPeakBytes > 0) {   // the CPU's resident set
        std::snprintf(buf, sizeof(buf), "  process peak      %10.1f MiB  (resident; %.1f MiB before any model)\n",
                      double(r.processPeakBytes) / (1 << 20), double(r.baselineBytes) / (1 << 20));
        out << buf;
    }
    if (r.matmulSeconds > 0) {   // measured on the CPU only
        std::snprintf(buf, sizeof(buf), "  matrix products   %10.4f s  (%.1f %% of the step; fused kernels on %d threads)\n",
                      r.matmulSeconds, 100 * r.matmulShare, r.kernelThreads);
        out << buf;
    }
    if (!r.operators.empty()) {
        out << "  per step, by operator (wall time; indented: inside the operator above it):\n";
        const std::size_t shown = std::min<std::size_t>(r.operators.size(), 40);
        for (std::size_t i = 0; i < shown; ++i) {
            const auto& op = r.operators[i];
            std::snprintf(buf, sizeof(buf), "    %9.3f ms %7.1f calls  %s%s\n", op.secondsPerStep * 1e3, op.callsPerStep,
                          op.nested ? "  " : "", op.name.c_str());
            out << buf;
        }
    }
}

// One worker run of `bench --nproc`: its rank 0's JSON result.
nlohmann::json benchWorkers(const Args& args, int nproc, int threads, std::ostream& err) {
    Args workerArgs{"bench"};
    for (const std::string& arg : withoutOption(withoutOption(args, "--nproc"), "--threads"))
        if (arg != "--json") workerArgs.push_back(arg);
    workerArgs.insert(workerArgs.end(), {"--threads", std::to_string(threads), "--json"});
    char path[] = "/tmp/l1ra-bench-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw Error("bench --nproc: cannot create a temporary file for the workers' result");
    ::close(fd);
    const int status = runLocalWorkers(workerArgs, nproc, err, path);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    ::unlink(path);
    if (status != 0) throw Error("bench --nproc: the " + std::to_string(nproc) + "-process run failed (status " + std::to_string(status) + ")");
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("bench --nproc: the workers printed no result");
    return j;
}

// `--nproc N`: the same per-process work (batch, threads) in one process, then in N; and one process given all
// N processes' threads, which is what data parallelism on one machine has to beat.
int benchProcesses(const Arguments& a, const Args& args, int nproc, std::ostream& out, std::ostream& err) {
    if (a.has("--against")) throw Error("bench: --against compares two methods in one process; leave it out with --nproc");
    const int threads = a.threads(0) > 0 ? a.threads(0) : std::max(1, defaultThreadCount() / nproc);
    const nlohmann::json one = benchWorkers(args, 1, threads, err);
    const nlohmann::json allThreads = benchWorkers(args, 1, threads * nproc, err);
    const nlohmann::json parallel = benchWorkers(args, nproc, threads, err);
    const double tps1 = one.at("tokens_per_s").get<double>(), tpsAll = allThreads.at("tokens_per_s").get<double>(),
                 tpsN = parallel.at("tokens_per_s").get<double>();
    const double efficiency = tpsN / (nproc * tps1), speedup = tpsN / tpsAll;
    if (a.flag("--json")) {
        out << nlohmann::json{{"processes", nproc},
                              {"threads_per_process", threads},
                              {"one_process", one},
                              {"one_process_all_threads", allThreads},
                              {"data_parallel", parallel},
                              {"scaling_efficiency", efficiency},
                              {"speedup_over_one_process_all_threads", speedup}}
                   .dump()
            << "\n";
        return 0;
    }
    char buf[1024];
    std::snprintf(buf, sizeof(buf),
                  "data-parallel bench, %d processes x %d threads, batch %d each (%s, %s)\n"
                  "  1 process,  %2d threads   %10.0f tokens/s  (median step %.4f s)\n"
                  "  1 process,  %2d threads   %10.0f tokens/s  (median step %.4f s)\n"
                  "  %d processes, %2d threads %10.0f tokens/s  (median step %.4f s, of which %.4f s waiting for gradient sums;\n"
                  "                             %.0f buckets, %.0f started during the backward pass)\n"
                  "  scaling efficiency        %9.1f %%  (N processes / N x one process of the same threads)\n"
                  "  against one process with all %d threads: %.2f x\n",
                  nproc, threads, parallel.at("shape").at("batch").get<int>(), parallel.at("method").get<std::string>().c_str(),
                  parallel.at("device").get<std::string>().c_str(), threads, tps1, one.at("median_step_s").get<double>(), threads * nproc,
                  tpsAll, allThreads.at("median_step_s").get<double>(), nproc, threads, tpsN, parallel.at("median_step_s").get<double>(),
                  parallel.value("communication_s", 0.0), parallel.value("gradient_buckets", 0.0),
                  parallel.value("buckets_started_during_backward", 0.0), 100 * efficiency, threads * nproc, speedup);
    out << buf;
    return 0;
}

}  // namespace

int runBench(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("bench", args,
                {"--vocab", "--dim", "--layers", "--heads", "--kv-heads", "--ffn", "--seq", "--batch", "--rank", "--method",
                 "--precision", "--device", "--steps", "--warmup", "--threads", "--realloc-every", "--seed",
                 "--dropout", "--against", "--base-dtype", "--nproc"},
                {"--json", "--operators", "--grad-checkpointing"});
    BenchmarkOptions o;
    o.vocab = a.integer("--vocab", int(o.vocab));
    o.dim = a.integer("--dim", int(o.dim));
    o.layers = a.integer("--layers", int(o.layers));
    o.heads = a.integer("--heads", int(o.heads));
    o.kvHeads = a.integer("--kv-heads", int(o.kvHeads));
    o.ffn = a.integer("--ffn", int(o.ffn));
    o.seq = a.integer("--seq", o.seq);
    o.batch = a.integer("--batch", o.batch);
    o.rank = a.integer("--rank", o.rank);
    if (const auto method = a.value("--method"); method && !parseMethod(*method, &o.method))
        throw Error("bench: --method must be lora, l1ra or full, not '" + *method + "'");
    o.precision = a.value("--precision").value_or(o.precision);
    o.device = a.value("--device").value_or(o.device);
    o.steps = a.integer("--steps", o.steps);
    o.warmup = a.integer("--warmup", o.warmup);
    o.threads = a.threads(o.threads);
    o.reallocEvery = a.integer("--realloc-every", o.reallocEvery);
    o.seed = a.unsignedInteger("--seed", o.seed);
    o.dropout = a.real("--dropout", o.dropout);
    if (o.dropout < 0 || o.dropout >= 1) throw Error("bench: --dropout must be in [0, 1)");
    o.operators = a.flag("--operators");
    o.baseDtype = a.value("--base-dtype").value_or(o.baseDtype);
    o.gradientCheckpointing = a.flag("--grad-checkpointing");
    const int nproc = a.integer("--nproc", 1);
    if (nproc < 1) throw Error("bench: --nproc must be 1 or more");
    if (nproc > 1 && !std::getenv("WORLD_SIZE")) return benchProcesses(a, args, nproc, out, err);
    if (auto processes = processGroupFromEnvironment()) o.processes = *processes;
    // Rank 0 reports; the other processes of a data-parallel bench only train.
    if (o.processes.rank != 0) {
        runBenchmark(o);
        return 0;
    }
    if (const auto against = a.value("--against")) {
        const SideBySideResult s = runBenchmarkSideBySide(o, *against);
        if (a.flag("--json")) {
            out << sideBySideResultToJson(s) << "\n";
            return 0;
        }
        printResult(out, s.method);
        printResult(out, s.against);
        char buf[512];
        std::snprintf(buf, sizeof(buf),
                      "first / second step time: %.3f (medians), %.3f (median of the steps' ratios); steps interleaved; "
                      "peak memory: first %.1f MiB, second %.1f MiB (each run's own tensors)\n",
                      s.stepRatio, s.pairedStepRatio, double(s.method.peakMemoryBytes) / (1 << 20),
                      double(s.against.peakMemoryBytes) / (1 << 20));
        out << buf;
        return 0;
    }
    const BenchmarkResult r = runBenchmark(o);
    if (a.flag("--json")) {
        out << benchmarkResultToJson(r) << "\n";
        return 0;
    }
    printResult(out, r);
    return 0;
}

}  // namespace l1ra::cli
