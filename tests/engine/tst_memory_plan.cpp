// The memory plan: its weight arithmetic against the bytes the quantised weights really hold, its estimates
// against the peaks `l1ra bench` measures (counted tensor memory) for each base dtype with and without
// checkpointing, its verdict and advice, and `l1ra plan` on the command line.
#include "kernels/frozen_weight.h"
#include "l1ra/benchmark.h"
#include "l1ra/memory_plan.h"
#include "perf/memory_plan_model.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace l1ra;

namespace {

MemoryPlanRequest benchShape() {
    MemoryPlanRequest r;
    r.vocab = 2048;
    r.dim = 256;
    r.layers = 2;
    r.heads = 8;
    r.kvHeads = 4;
    r.headDim = 32;
    r.ffn = 688;
    r.seqLen = 128;
    r.batchSize = 4;
    r.rank = 8;
    r.dropout = 0.1;
    return r;
}

BenchmarkOptions benchOptions(const MemoryPlanRequest& r) {
    BenchmarkOptions o;
    o.vocab = r.vocab;
    o.dim = r.dim;
    o.layers = r.layers;
    o.heads = r.heads;
    o.kvHeads = r.kvHeads;
    o.ffn = r.ffn;
    o.seq = int(r.seqLen);
    o.batch = int(r.batchSize);
    o.rank = int(r.rank);
    o.method = r.method;
    o.precision = r.precision;
    o.baseDtype = r.baseDtype;
    o.gradientCheckpointing = r.gradientCheckpointing;
    o.steps = 2;
    o.warmup = 1;
    o.threads = 2;
    return o;
}

}  // namespace

class TestMemoryPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weightBytesAreWhatQuantisationStores() {
        torch::manual_seed(1);
        for (const auto& [rows, cols] : {std::pair<int64_t, int64_t>{96, 64}, {1000, 333}, {17, 4096}}) {
            const auto w = torch::randn({rows, cols});
            const std::pair<const char*, kernels::WeightFormat> formats[] = {{"int8", kernels::WeightFormat::Int8},
                                                                             {"nf4", kernels::WeightFormat::NF4}};
            for (const auto& [name, format] : formats)
                for (const bool dq : {false, true})
                    QCOMPARE(frozenWeightBytes(rows, cols, name, dq, 2), kernels::quantizeWeight(w, format, torch::kBFloat16, dq).bytes());
            QCOMPARE(frozenWeightBytes(rows, cols, "bf16", true, 2), rows * cols * 2);
        }
    }

    // Each configuration's estimate within ±15 % of the peak the benchmark measures on the CPU.
    void estimatesMatchMeasuredPeaks() {
        struct Case {
            Method method;
            const char* precision;
            const char* base;
            bool checkpointing;
        };
        const Case cases[] = {{Method::L1RA, "bf16", "bf16", false}, {Method::L1RA, "bf16", "nf4", true},
                              {Method::LoRA, "bf16", "int8", false}, {Method::L1RA, "bf16", "bf16", true},
                              {Method::L1RA, "f32", "nf4", false},   {Method::Full, "f32", "bf16", false}};
        for (const Case& k : cases) {
            MemoryPlanRequest r = benchShape();
            r.method = k.method;
            r.precision = k.precision;
            r.baseDtype = k.base;
            r.gradientCheckpointing = k.checkpointing;
            const BenchmarkResult measured = runBenchmark(benchOptions(r));
            const MemoryPlan plan = planMemory(r);
            QCOMPARE(measured.plannedPeakBytes, plan.peakBytes);
            const double ratio = double(plan.peakBytes) / double(measured.peakMemoryBytes);
            qInfo("%s %s base %s%s: measured %.2f MiB, planned %.2f MiB (%.3f)", methodName(k.method), k.precision, k.base,
                  k.checkpointing ? " checkpointed" : "", double(measured.peakMemoryBytes) / (1 << 20), double(plan.peakBytes) / (1 << 20), ratio);
            QVERIFY2(ratio >= 0.85 && ratio <= 1.15, k.base);
        }
    }

    void theVerdictAndTheCheapestChange() {
        MemoryPlanRequest r = benchShape();
        r.vocab = 32000;
        r.seqLen = 1024;
        const MemoryPlan roomy = planMemory(r, int64_t(64) << 30);
        QVERIFY(roomy.fits && roomy.advice.empty());
        QCOMPARE(roomy.peakBytes, roomy.weightBytes + roomy.adapterBytes + roomy.activationBytes + roomy.workspaceBytes);
        // Checkpointing, then quantisation, then smaller micro-batches: each saves memory, and the advice names the
        // first one that fits.
        const MemoryPlan unknown = planMemory(r);
        QVERIFY(unknown.fits && unknown.freeBytes < 0);
        QVERIFY(!unknown.changes.empty());
        QCOMPARE(QString::fromStdString(unknown.changes.front().settings), QStringLiteral("train.gradient_checkpointing=true"));
        for (const auto& c : unknown.changes) QVERIFY2(c.peakBytes < unknown.peakBytes, c.what.c_str());
        const int64_t justEnough = int64_t(double(unknown.changes.front().peakBytes) * 1.10) + roomy.overheadBytes + (1 << 20);
        const MemoryPlan tight = planMemory(r, justEnough);
        QVERIFY(!tight.fits);
        QVERIFY2(tight.advice.find("gradient checkpointing") != std::string::npos, tight.advice.c_str());
        const MemoryPlan tiny = planMemory(r, 1 << 20);
        QVERIFY(!tiny.fits && tiny.advice.find("no change") != std::string::npos);
        // nf4 weights are about a quarter of bf16's.
        MemoryPlanRequest q = r;
        q.baseDtype = "nf4";
        QVERIFY(planMemory(q).weightBytes < planMemory(r).weightBytes);
    }

    void thePlanCommand() {
        const auto text = test::runCli({"plan", "--vocab", "32000", "--dim", "1024", "--layers", "8", "--heads", "16", "--kv-heads", "8",
                                        "--ffn", "2816", "--seq", "512", "--batch", "4", "--rank", "16", "--free", "1G"});
        QCOMPARE(text.code, 4);   // does not fit in 1 GiB
        QVERIFY2(text.out.find("does not fit") != std::string::npos, text.out.c_str());
        QVERIFY2(text.out.find("it fits with") != std::string::npos, text.out.c_str());
        const auto json = test::runCli({"plan", "--vocab", "32000", "--dim", "1024", "--layers", "8", "--heads", "16", "--ffn", "2816",
                                        "--base-dtype", "nf4", "--grad-checkpointing", "--free", "24G", "--json"});
        QCOMPARE(json.code, 0);
        const auto j = nlohmann::json::parse(json.out);
        QCOMPARE(j.at("base_dtype").get<std::string>(), std::string("nf4"));
        QVERIFY(j.at("fits").get<bool>());
        QCOMPARE(j.at("free_bytes").get<int64_t>(), int64_t(24) << 30);
        const auto config = test::runCli({"plan", "--set", "model=" + test::fixtureModel(), "--set", "model.base_dtype=int8", "--json"});
        QVERIFY2(config.code == 0 || config.code == 4, config.err.c_str());
        QCOMPARE(nlohmann::json::parse(config.out).at("shape").at("dim").get<int64_t>(), int64_t(64));
        const auto bad = test::runCli({"plan", "--dim", "64"});
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.find("--vocab") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestMemoryPlan)
#include "tst_memory_plan.moc"
