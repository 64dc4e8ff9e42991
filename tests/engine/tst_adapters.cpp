// Adapters: the forward formula, analytic gradients against finite differences, and reallocation keeping
// the survivors' values and Adam moments bit for bit.
#include "train/adapters.h"
#include "l1ra/training_events.h"
#include "train/optimizer.h"

#include <QtTest>

using namespace l1ra;

namespace {

LlamaConfig tinyConfig() {
    LlamaConfig c;
    c.vocabSize = 32;
    c.hiddenSize = 8;
    c.intermediateSize = 12;
    c.numLayers = 2;
    c.numHeads = 2;
    c.numKvHeads = 1;
    c.headDim = 4;
    return c;
}

AdapterSpec spec(int rank, bool gated, std::vector<std::string> targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}) {
    AdapterSpec s;
    s.rank = rank;
    s.alpha = 6;
    s.gated = gated;
    s.targets = std::move(targets);
    return s;
}

}  // namespace

class TestAdapters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initialisationFollowsTheDesign() {
        torch::manual_seed(1);
        AdapterSet set(tinyConfig(), torch::kCPU, spec(4, true));
        QCOMPARE(set.adapters().size(), std::size_t(14));
        QCOMPARE(set.totalRank(), 56);
        for (const auto& a : set.adapters()) {
            QCOMPARE(a.scale, 6.0 / 4.0);
            QVERIFY(a.B.value.abs().max().item<float>() == 0.0f);
            QVERIFY(a.gate.value.eq(1).all().item<bool>());
            QCOMPARE(a.A.value.size(0), int64_t(4));
        }
        // A ~ N(0,1)/r0: with 14 adapters' samples the standard deviation is near 1/4.
        std::vector<torch::Tensor> all;
        for (const auto& a : set.adapters()) all.push_back(a.A.value.flatten());
        const double sd = torch::cat(all).std().item<double>();
        QVERIFY2(std::abs(sd - 0.25) < 0.03, qPrintable(QString::number(sd)));
        const auto& down = set.adapters()[6];
        QCOMPARE(down.moduleName(), std::string("model.layers.0.mlp.down_proj"));
        QCOMPARE(down.inFeatures, int64_t(12));
        QCOMPARE(set.adapters()[1].outFeatures, int64_t(4));   // k_proj: kv heads x head dim
    }

    void forwardAddsScaledGatedLowRankProduct() {
        torch::manual_seed(2);
        const LlamaConfig c = tinyConfig();
        AdapterSet set(c, torch::kCPU, spec(3, true, {"k_proj"}));
        Adapter& a = set.adapters()[0];
        {
            torch::NoGradGuard g;
            a.B.value.normal_();
            a.gate.value.copy_(torch::tensor({0.2f, 1.0f, 0.6f}));
        }
        auto x = torch::randn({2, 5, c.hiddenSize});
        // A zero weight: the output is the adapter's update alone.
        auto out = set.project(0, ProjectionGroup::QKV, x, kernels::denseWeight(torch::zeros({c.qDim() + 2 * c.kvDim(), c.hiddenSize})));
        auto expected = a.scale * torch::matmul(torch::matmul(x, a.A.value.t()) * a.gate.value, a.B.value.t());
        QVERIFY(torch::allclose(out.narrow(-1, c.qDim(), c.kvDim()), expected, 1e-5, 1e-6));
        QVERIFY(out.narrow(-1, 0, c.qDim()).abs().max().item<float>() == 0.0f);         // q untouched
        QVERIFY(out.narrow(-1, c.qDim() + c.kvDim(), c.kvDim()).abs().max().item<float>() == 0.0f);   // v untouched
    }

    void gradientsMatchFiniteDifferences() {
        torch::manual_seed(3);
        const LlamaConfig c = tinyConfig();
        AdapterSet set(c, torch::kCPU, spec(3, true, {"gate_proj", "up_proj"}));
        // Double precision, gates inside (0, 1) and B non-zero so every gradient is informative.
        for (auto& a : set.adapters()) {
            a.A.value = (a.A.value.detach().to(torch::kDouble) * 3).requires_grad_(true);
            a.B.value = torch::randn({a.outFeatures, 3}, torch::kDouble).requires_grad_(true);
            a.gate.value = (torch::rand({3}, torch::kDouble) * 0.8 + 0.1).requires_grad_(true);
        }
        auto x = torch::randn({2, 3, c.hiddenSize}, torch::kDouble);
        auto w = torch::randn({2, 3, 2 * c.intermediateSize}, torch::kDouble);
        const auto weight = kernels::denseWeight(torch::randn({2 * c.intermediateSize, c.hiddenSize}, torch::kDouble));
        auto lossOf = [&] {
            auto out = set.project(1, ProjectionGroup::GateUp, x, weight);
            return (out * w).sum();
        };
        lossOf().backward();
        const double eps = 1e-6;
        int checked = 0;
        for (auto& a : set.adapters()) {
            if (a.layer != 1) continue;   // the loss reads layer 1 only
            for (torch::Tensor* t : {&a.A.value, &a.B.value, &a.gate.value}) {
                auto analytic = t->grad().clone();
                auto flat = t->detach().view({-1});
                for (int64_t i = 0; i < flat.numel(); i += 2) {
                    const double saved = flat[i].item<double>();
                    double plus, minus;
                    {
                        torch::NoGradGuard g;
                        flat[i] = saved + eps;
                        plus = lossOf().item<double>();
                        flat[i] = saved - eps;
                        minus = lossOf().item<double>();
                        flat[i] = saved;
                    }
                    const double numeric = (plus - minus) / (2 * eps);
                    const double got = analytic.view({-1})[i].item<double>();
                    QVERIFY2(std::abs(numeric - got) <= 1e-6 * std::max(1.0, std::abs(numeric)),
                             qPrintable(QString("%1: numeric %2 analytic %3").arg(QString::fromStdString(a.moduleName())).arg(numeric).arg(got)));
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 50);
    }

    void reallocationKeepsSurvivorsAndTheirMomentsBitForBit() {
        torch::manual_seed(4);
        const LlamaConfig c = tinyConfig();
        AdapterSet set(c, torch::kCPU, spec(4, true, {"q_proj", "v_proj"}));
        for (auto* p : set.trainables()) {
            torch::NoGradGuard g;
            p->value.normal_();
            p->expAvg.normal_();
            p->expAvgSq.uniform_();
            p->steps = 17;
        }
        const Adapter before0 = set.adapters()[0];
        const auto A0 = before0.A.value.clone(), mA0 = before0.A.expAvg.clone(), vA0 = before0.A.expAvgSq.clone();
        const auto B0 = before0.B.value.clone(), mB0 = before0.B.expAvg.clone(), c0 = before0.gate.value.clone();
        const auto mc0 = before0.gate.expAvg.clone();
        ReallocationPlan plan;
        plan.adapters.resize(set.adapters().size());
        for (std::size_t i = 0; i < plan.adapters.size(); ++i) plan.adapters[i].keep = {0, 1, 2, 3};
        plan.adapters[0] = {{1, 3}, 2, 0};   // drop ranks 0 and 2
        plan.adapters[1].added = 2;         // two new ranks
        set.applyPlan(plan);

        const Adapter& a = set.adapters()[0];
        QCOMPARE(a.rank(), 2);
        const auto keep = torch::tensor({1, 3}, torch::kInt64);
        QVERIFY(torch::equal(a.A.value, A0.index_select(0, keep)));
        QVERIFY(torch::equal(a.A.expAvg, mA0.index_select(0, keep)));
        QVERIFY(torch::equal(a.A.expAvgSq, vA0.index_select(0, keep)));
        QVERIFY(torch::equal(a.B.value, B0.index_select(1, keep)));
        QVERIFY(torch::equal(a.B.expAvg, mB0.index_select(1, keep)));
        QVERIFY(torch::equal(a.gate.value, c0.index_select(0, keep)));
        QVERIFY(torch::equal(a.gate.expAvg, mc0.index_select(0, keep)));
        QCOMPARE(a.A.steps, int64_t(17));
        QVERIFY(a.A.value.requires_grad() && a.A.value.is_leaf());

        const Adapter& grown = set.adapters()[1];
        QCOMPARE(grown.rank(), 6);
        QVERIFY(grown.B.value.narrow(1, 4, 2).abs().max().item<float>() == 0.0f);       // B column 0
        QVERIFY(grown.gate.value.narrow(0, 4, 2).eq(1).all().item<bool>());             // gate 1
        QVERIFY(grown.A.expAvg.narrow(0, 4, 2).abs().max().item<float>() == 0.0f);      // zero moments
        QVERIFY(grown.B.expAvgSq.narrow(1, 4, 2).abs().max().item<float>() == 0.0f);
        QVERIFY(grown.A.value.narrow(0, 4, 2).abs().max().item<float>() > 0.0f);        // A row drawn
        QCOMPARE(set.totalRank(), 4 * 4 - 2 + 2);
    }

    void gateShrinkAndClamp() {
        AdapterSet set(tinyConfig(), torch::kCPU, spec(2, true, {"o_proj"}));
        {
            torch::NoGradGuard g;
            set.adapters()[0].gate.value.copy_(torch::tensor({0.5f, 0.00005f}));
        }
        shrinkGates(set.trainables(), 0.02, 5e-3);   // shrink by 1e-4
        auto g = set.adapters()[0].gate.value;
        QVERIFY(std::abs(g[0].item<float>() - 0.4999f) < 1e-6);
        QCOMPARE(g[1].item<float>(), 0.0f);

        // The same values as sub_ and clamp_, bit for bit, and the change visible to autograd's version check.
        AdapterSet wide(tinyConfig(), torch::kCPU, spec(5, true, {"o_proj"}));
        const auto start = torch::tensor({0.5f, 0.00005f, 1.2f, -0.1f, 0.3333f});
        auto& gate = wide.adapters()[0].gate.value;
        {
            torch::NoGradGuard ng;
            gate.copy_(start);
        }
        const auto version = gate._version();
        shrinkGates(wide.trainables(), 0.02, 5e-3);
        QVERIFY(torch::equal(gate, start.sub(0.02 * 5e-3).clamp(0.0, 1.0)));
        QVERIFY(gate._version() > version);
    }

    void loraHasNoTrainableGates() {
        AdapterSet set(tinyConfig(), torch::kCPU, spec(2, false));
        QCOMPARE(set.trainables().size(), std::size_t(2 * 14));
        for (const auto& a : set.adapters()) QVERIFY(!a.gate.value.requires_grad());
    }

    void snapshotMatrix() {
        AdapterSet set(tinyConfig(), torch::kCPU, spec(3, true, {"q_proj", "down_proj"}));
        const RankSnapshot s = set.snapshot(5, 12);
        QCOMPARE(s.numLayers, 2);
        QCOMPARE(s.rank(1, 0), 3);
        QCOMPARE(s.rank(1, 6), 3);
        QCOMPARE(s.rank(1, 1), 0);
        QVERIFY(s.targeted[7] && !s.targeted[8]);
        QCOMPARE(s.gateMass[0], 3.0);
        QCOMPARE(s.total(), 12);
    }
};

QTEST_GUILESS_MAIN(TestAdapters)
#include "tst_adapters.moc"
