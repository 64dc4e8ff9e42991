// L1RA's gate optimizer group, through Trainer::step on the fixture model: the gates step with a constant eta_c
// whatever the schedule of A and B, take no weight decay, and are shrunk after the Adam step; a reallocation
// through Trainer (the allocator's own plan) keeps every surviving value and moment.
#include "l1ra/run_config.h"
#include "train/lr_schedule.h"
#include "io/model_folder.h"
#include "test_support.h"
#include "train/trainer.h"

#include <QtTest>

#include <random>

using namespace l1ra;

namespace {

TokenDataset randomData(int sequences, int length, uint64_t seed) {
    std::mt19937 rng{static_cast<unsigned>(seed)};
    TokenDataset d;
    for (int s = 0; s < sequences; ++s) {
        TokenSequence q;
        q.ids.push_back(1);
        for (int t = 1; t < length; ++t) q.ids.push_back(int32_t(3 + rng() % 500));
        q.trained.assign(std::size_t(length), 1);
        q.trained[0] = 0;
        d.tokens += length;
        d.trainedTokens += length - 1;
        d.sequences.push_back(std::move(q));
    }
    return d;
}

TrainerSettings gatedSettings() {
    TrainerSettings s;
    s.method = l1ra::Method::L1RA;
    s.adapter.rank = 4;
    s.adapter.alpha = 8;
    s.adapter.targets = projectionNames();
    s.train.steps = 20;
    s.train.batchSize = 2;
    s.train.lr = 1e-2;
    s.train.weightDecay = 0.5;      // large, so that decay on a gate would show
    s.train.warmup = 10;
    s.train.minLrRatio = 0.1;
    s.train.maxGradNorm = 0;        // no clipping: Adam's first step is then exactly ±lr per element
    s.etaC = 0.05;
    s.seed = 3;
    return s;
}

// B drawn so that gates have gradients (B = 0 gives them none), gates at `gate` away from the clamp.
std::unique_ptr<Trainer> primedTrainer(const TrainerSettings& s, float gate = 0.5f) {
    auto model = std::make_unique<LlamaModel>(ModelFolder(test::fixtureModel()), torch::kCPU, torch::kFloat32);
    auto t = std::make_unique<Trainer>(std::move(model), s, randomData(8, 24, 5), randomData(2, 24, 6));
    torch::NoGradGuard noGrad;
    torch::manual_seed(11);
    for (auto& a : t->adapters().adapters()) {
        a.B.value.normal_(0.0, 0.1);
        a.gate.value.fill_(gate);
    }
    return t;
}

torch::Tensor allGates(Trainer& t) {
    std::vector<torch::Tensor> parts;
    for (auto& a : t.adapters().adapters()) parts.push_back(a.gate.value.detach().clone());
    return torch::cat(parts);
}

}  // namespace

class TestGateGroup : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatesStepByEtaCWhateverTheSchedule() {
        const TrainerSettings s = gatedSettings();
        for (int step : {0, 4, 15}) {   // warmup at 1/10 and 1/2 of the peak, then cosine decay
            auto t = primedTrainer(s);
            const torch::Tensor c0 = allGates(*t);
            const torch::Tensor A0 = t->adapters().adapters()[0].A.value.detach().clone();
            const StepResult r = t->step(step, 0.0);
            const double lr = scheduledLearningRate(s.train.lr, step, s.train.steps, s.train.warmup, s.train.minLrRatio);
            QCOMPARE(r.lr, lr);
            QVERIFY(lr < s.etaC / 4);
            // Adam's first step moves every element by its learning rate (up to eps): eta_c for gates, with no
            // decay (0.5 · eta_c · 0.5 would show); the scheduled lr and the decay for A.
            const torch::Tensor dc = (allGates(*t) - c0).abs();
            QVERIFY2(dc.min().item<double>() > s.etaC * (1 - 1e-3), qPrintable(QString("step %1: min |dc| %2").arg(step).arg(dc.min().item<double>())));
            QVERIFY2(dc.max().item<double>() < s.etaC * (1 + 1e-5), qPrintable(QString("step %1: max |dc| %2").arg(step).arg(dc.max().item<double>())));
            const torch::Tensor A1 = t->adapters().adapters()[0].A.value.detach();
            const torch::Tensor adamPart = (A1 - A0 * (1 - lr * s.train.weightDecay)).abs();   // [r, in]
            QVERIFY(adamPart.max().item<double>() < lr * (1 + 1e-4));
            QVERIFY(adamPart.mean().item<double>() > lr * 0.9);
        }
    }

    void theShrinkFollowsTheAdamStep() {
        // Gates at 0.01 with a shrink of 0.02 per step: after the step (Adam ±0.05, then shrink, then clamp) a gate
        // Adam raised ends at 0.04 and one it lowered at 0. Shrinking first would give 0.05 and 0; an L1 term in
        // the loss would change Adam's directions instead.
        TrainerSettings s = gatedSettings();
        auto free = primedTrainer(s, 0.01f);
        const torch::Tensor c0 = allGates(*free);
        free->step(12, 0.0);
        const torch::Tensor up = allGates(*free) > c0;
        auto shrunk = primedTrainer(s, 0.01f);
        shrunk->step(12, 0.4);   // eta_c · λ = 0.02
        const torch::Tensor c = allGates(*shrunk);
        const torch::Tensor expected = torch::where(up, torch::full_like(c, 0.01f + 0.05f - 0.02f), torch::zeros_like(c));
        QVERIFY(up.any().item<bool>() && (~up).any().item<bool>());
        QVERIFY2(torch::allclose(c, expected, 0, 1e-6), qPrintable(QString("max error %1").arg((c - expected).abs().max().item<double>())));
    }

    void aReallocationThroughTheTrainerKeepsEverySurvivingMoment() {
        const TrainerSettings s = gatedSettings();
        auto t = primedTrainer(s);
        for (int step = 0; step < 3; ++step) t->step(step, 0.0);
        auto& list = t->adapters().adapters();
        {
            torch::NoGradGuard noGrad;
            list[0].gate.value[1] = 0.0f;   // one rank of q in layer 0
            list[3].gate.value[0] = 0.0f;   // two of o in layer 0
            list[3].gate.value[2] = 0.0f;
        }
        std::vector<Adapter> before;   // deep copies of values and moments
        for (const auto& a : list) {
            Adapter c = a;
            for (TrainableTensor* p : {&c.A, &c.B, &c.gate}) {
                p->value = p->value.detach().clone();
                p->expAvg = p->expAvg.clone();
                p->expAvgSq = p->expAvgSq.clone();
            }
            before.push_back(std::move(c));
        }
        const int budget = t->adapters().totalRank();
        const ReallocationEvent e = t->reallocate(3, budget, 1e-3);
        QCOMPARE(e.pruned, 3);
        QCOMPARE(e.added, 3);
        QCOMPARE(t->adapters().totalRank(), budget);
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Adapter& a = list[i];
            const Adapter& b = before[i];
            std::vector<int64_t> keep;
            for (int k = 0; k < b.rank(); ++k)
                if (b.gate.value[k].item<float>() >= 1e-3f) keep.push_back(k);
            const auto idx = torch::tensor(keep, torch::kInt64);
            const int64_t n = int64_t(keep.size());
            QVERIFY(a.rank() >= n);
            for (auto [now, then, dim] : {std::tuple{&a.A, &b.A, 0}, std::tuple{&a.B, &b.B, 1}, std::tuple{&a.gate, &b.gate, 0}}) {
                QVERIFY(torch::equal(now->value.narrow(dim, 0, n), then->value.index_select(dim, idx)));
                QVERIFY(torch::equal(now->expAvg.narrow(dim, 0, n), then->expAvg.index_select(dim, idx)));
                QVERIFY(torch::equal(now->expAvgSq.narrow(dim, 0, n), then->expAvgSq.index_select(dim, idx)));
                QCOMPARE(now->steps, then->steps);
                const int64_t added = a.rank() - n;
                if (added > 0) {
                    QCOMPARE(now->expAvg.narrow(dim, n, added).abs().max().item<float>(), 0.0f);
                    QCOMPARE(now->expAvgSq.narrow(dim, n, added).abs().max().item<float>(), 0.0f);
                }
            }
            for (int k = 0; k < a.rank(); ++k) QCOMPARE(a.born[std::size_t(k)], k < n ? b.born[std::size_t(keep[std::size_t(k)])] : int64_t(3));
        }
        QCOMPARE(e.threshold, 1e-3);
        for (const RankMove& m : e.moves) QCOMPARE(int(m.prunedBorn.size()), m.pruned);
    }

    void theReferenceResetLosesEveryMoment() {
        TrainerSettings s = gatedSettings();
        s.resetOptimizer = true;
        auto t = primedTrainer(s);
        for (int step = 0; step < 2; ++step) t->step(step, 0.0);
        {
            torch::NoGradGuard noGrad;
            t->adapters().adapters()[5].gate.value[3] = 0.0f;
        }
        t->reallocate(2, t->adapters().totalRank(), 1e-3);
        for (TrainableTensor* p : t->adapters().trainables()) {
            QCOMPARE(p->steps, int64_t(0));
            QCOMPARE(p->expAvg.abs().max().item<float>(), 0.0f);
        }
    }
};

QTEST_GUILESS_MAIN(TestGateGroup)
#include "tst_gate_group.moc"
