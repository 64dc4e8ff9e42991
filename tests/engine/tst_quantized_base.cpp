// The quantised frozen base: NF4 and int8 round trips within their bounds, the fused dequantisation against its
// LibTorch reference, projections on a quantised weight equal to those on its dequantised copy (and never holding
// that copy for the backward pass), and a quantised model's logits against the same model with the dequantised
// weights in bf16.
#include "model/cpu_memory_meter.h"
#include "kernels/adapted_projection.h"
#include "kernels/frozen_linear.h"
#include "kernels/frozen_weight.h"
#include "model/llama_model.h"
#include "io/model_folder.h"
#include "test_support.h"

#include <QtTest>

#include <torch/torch.h>

using namespace l1ra;
using namespace l1ra::kernels;

namespace {

// Largest half-gap between neighbouring NF4 levels: the worst rounding of a normalised weight.
double nf4HalfGap() {
    double g = 0;
    for (std::size_t i = 0; i + 1 < nf4Levels().size(); ++i) g = std::max(g, 0.5 * double(nf4Levels()[i + 1] - nf4Levels()[i]));
    return g;
}

// Weights with the shapes quantisation must handle: a normal body, outliers, an all-zero block, a tail block.
torch::Tensor awkwardWeights(int64_t rows, int64_t cols) {
    torch::manual_seed(5);
    auto w = torch::randn({rows, cols}) * 0.02;
    w.view({-1})[7] = 0.9;                        // an outlier in the first block
    w.view({-1}).narrow(0, 64, 64).zero_();       // the second block is all zeros
    return w;
}

double relativeError(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>() / b.to(torch::kDouble).abs().max().item<double>();
}

}  // namespace

class TestQuantizedBase : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nf4RoundTripStaysWithinItsBound() {
        for (const bool doubleQuant : {false, true}) {
            const auto w = awkwardWeights(37, 96);   // 3552 weights: 55.5 blocks, the last one short
            const FrozenWeight q = quantizeWeight(w, WeightFormat::NF4, torch::kFloat32, doubleQuant);
            QCOMPARE(q.codes.numel(), int64_t(3552 / 2));
            QCOMPARE(q.doubleQuantized(), doubleQuant);
            const auto back = materialize(q).view({-1});
            const auto flat = w.view({-1});
            // Per block: |w − w'| ≤ half the widest level gap × the block's absmax, plus (double quantisation)
            // the error of the absmax itself, which is at most half its group's step.
            const auto absmax = nf4BlockAbsmax(q);
            for (int64_t b = 0; b < absmax.numel(); ++b) {
                const int64_t first = b * kNF4BlockSize, n = std::min(kNF4BlockSize, flat.numel() - first);
                const double trueMax = flat.narrow(0, first, n).abs().max().item<double>();
                const double scaleError = std::abs(absmax[b].item<double>() - trueMax);
                if (doubleQuant) QVERIFY(scaleError <= q.scaleScales[b / kNF4ScaleGroupSize].item<double>() * 0.5 + 1e-9);
                else QCOMPARE(absmax[b].item<float>(), float(trueMax));
                const double bound = nf4HalfGap() * trueMax + scaleError + 1e-7;
                const double err = (flat.narrow(0, first, n) - back.narrow(0, first, n)).abs().max().item<double>();
                QVERIFY2(err <= bound, qPrintable(QStringLiteral("block %1: error %2 > bound %3").arg(b).arg(err).arg(bound)));
            }
            // Exact values survive: the outlier is a block's absmax (level 1), the zero block stays zero.
            QVERIFY(std::abs(back[7].item<double>() - 0.9) <= 0.9 * 1e-6 + (doubleQuant ? 0.01 : 0));
            QCOMPARE(back.narrow(0, 64, 64).abs().max().item<double>(), 0.0);
        }
    }

    void int8RoundTripStaysWithinHalfAStep() {
        const auto w = awkwardWeights(19, 130);
        const FrozenWeight q = quantizeWeight(w, WeightFormat::Int8, torch::kFloat32);
        QCOMPARE(q.codes.scalar_type(), torch::kInt8);
        const auto back = materialize(q);
        for (int64_t r = 0; r < w.size(0); ++r) {
            const double step = w[r].abs().max().item<double>() / 127.0;
            QVERIFY((w[r] - back[r]).abs().max().item<double>() <= 0.5 * step * (1 + 1e-5) + 1e-12);
        }
    }

    void quantisedWeightsTakeTheirShareOfMemory() {
        const auto w = torch::randn({256, 512}).to(torch::kBFloat16);
        const int64_t dense = w.numel() * 2;
        const auto nf4 = quantizeWeight(w, WeightFormat::NF4, torch::kBFloat16, false);
        const auto nf4dq = quantizeWeight(w, WeightFormat::NF4, torch::kBFloat16, true);
        const auto int8 = quantizeWeight(w, WeightFormat::Int8, torch::kBFloat16);
        QCOMPARE(nf4.bytes(), w.numel() / 2 + w.numel() / 64 * 4);
        QCOMPARE(nf4dq.bytes(), w.numel() / 2 + w.numel() / 64 + 4 * ((w.numel() / 64 + 255) / 256));
        QCOMPARE(int8.bytes(), w.numel() + 256 * 4);
        QVERIFY(nf4dq.bytes() < dense * 0.26 && int8.bytes() < dense * 0.51);
    }

    void fusedDequantisationMatchesTheReference() {
        const auto w = awkwardWeights(33, 128);
        for (const auto format : {WeightFormat::NF4, WeightFormat::Int8}) {
            for (const bool doubleQuant : {false, true}) {
                for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
                    const FrozenWeight q = quantizeWeight(w, format, dtype, doubleQuant);
                    const auto fused = materialize(q), reference = materializeReference(q);
                    QCOMPARE(fused.scalar_type(), dtype);
                    QVERIFY(relativeError(fused, reference) <= (dtype == torch::kFloat32 ? 1e-6 : 1e-2));
                }
            }
        }
    }

    // The projection node on a quantised weight computes what it computes on the dequantised copy, gradients
    // included, and frozenLinear (groups without adapters) likewise.
    void projectionsOnAQuantisedWeightEqualTheDequantisedOnes() {
        torch::manual_seed(3);
        const auto q = quantizeWeight(torch::randn({20, 6}) * 0.1, WeightFormat::NF4, torch::kFloat32);
        const auto dense = denseWeight(materialize(q));
        LowRankGroup group;
        group.columnOffsets = {0, 12};
        group.scales = {2.0, 0.5};
        group.gated = true;
        group.rankMultiple = 16;
        group.dropout = 0.2;
        group.seed = 9;
        auto run = [&](const FrozenWeight& w, bool adapters) {
            torch::manual_seed(4);
            auto x = torch::randn({2, 5, 6}).requires_grad_(true);
            std::vector<torch::Tensor> ps{torch::randn({3, 6}), torch::randn({2, 6}), torch::randn({8, 3}), torch::randn({4, 2}),
                                          torch::tensor({0.5f, 0.9f, 0.2f}), torch::tensor({0.3f, 1.0f})};
            for (auto& p : ps) p.requires_grad_(true);
            auto y = adapters ? adaptedProjection(x, w, {ps[0], ps[1]}, {ps[2], ps[3]}, {ps[4], ps[5]}, group) : frozenLinear(x, w);
            (y * torch::randn(y.sizes())).sum().backward();
            std::vector<torch::Tensor> out{y.detach(), x.grad()};
            if (adapters)
                for (auto& p : ps) out.push_back(p.grad());
            return out;
        };
        for (const bool adapters : {true, false}) {
            const auto a = run(q, adapters), b = run(dense, adapters);
            for (std::size_t i = 0; i < a.size(); ++i) QVERIFY2(torch::equal(a[i], b[i]), qPrintable(QString::number(i)));
        }
    }

    // The forward pass keeps codes, not a dense copy: what a recorded projection holds for its backward pass is
    // far below the dequantised weight's size.
    void aQuantisedProjectionDoesNotKeepItsDenseWeight() {
        installCpuMemoryMeter();
        const int64_t rows = 1024, cols = 1024;
        const auto q = quantizeWeight(torch::randn({rows, cols}) * 0.02, WeightFormat::NF4, torch::kFloat32);
        auto x = torch::randn({2, cols}).requires_grad_(true);
        auto A = torch::randn({4, cols}).requires_grad_(true), B = torch::zeros({rows, 4}).requires_grad_(true);
        auto gate = torch::ones({4});
        LowRankGroup group;
        group.columnOffsets = {0};
        group.scales = {1.0};
        for (const bool adapters : {true, false}) {
            const int64_t before = cpuTensorBytes();
            auto y = adapters ? adaptedProjection(x, q, {A}, {B}, {gate}, group) : frozenLinear(x, q);
            const int64_t held = cpuTensorBytes() - before;
            QVERIFY2(held < rows * cols * 4 / 8, qPrintable(QStringLiteral("holds %1 bytes").arg(held)));
            y.sum().backward();
        }
    }

    // A quantised model against the same model whose projections hold the dequantised values, in bf16.
    void nf4LogitsMatchTheDequantisedModelInBf16() {
        const LlamaConfig c = test::smallLlamaConfig();
        for (const char* name : {"nf4", "int8"}) {
            const LlamaModel quantised(c, torch::kCPU, torch::kBFloat16, 11, baseWeightFormat(name));
            LlamaModel dequantised(c, torch::kCPU, torch::kBFloat16, 11);
            for (std::size_t l = 0; l < dequantised.layers().size(); ++l) {
                const auto from = quantised.layers()[l].weights();
                const auto to = dequantised.layers()[l].weights();
                for (std::size_t i = 0; i < to.size(); ++i) *to[i] = denseWeight(materialize(*from[i]));
            }
            torch::NoGradGuard noGrad;
            const auto ids = torch::randint(0, c.vocabSize, {2, 24}, torch::kInt64);
            const auto a = quantised.forward(ids).to(torch::kFloat32), b = dequantised.forward(ids).to(torch::kFloat32);
            const double e = relativeError(a, b);
            qInfo("%s logits against the dequantised bf16 model: %.2e relative", name, e);
            QVERIFY(e <= 1e-3);
            // ... and quantisation did change the model, a little.
            const LlamaModel original(c, torch::kCPU, torch::kBFloat16, 11);
            const double change = relativeError(a, original.forward(ids).to(torch::kFloat32));
            QVERIFY(change > 1e-4 && change < 0.2);
        }
    }

    void theFixtureLoadsQuantisedFromItsFolder() {
        const ModelFolder folder(test::fixtureModel());
        const LlamaModel dense(folder, torch::kCPU, torch::kFloat32);
        const LlamaModel nf4(folder, torch::kCPU, torch::kFloat32, baseWeightFormat("nf4"));
        QVERIFY(nf4.layers()[0].wqkv.quantized() && !dense.layers()[0].wqkv.quantized());
        QCOMPARE(nf4.parameterCount(), dense.parameterCount());
        QVERIFY(nf4.weightBytes() < dense.weightBytes());
        torch::NoGradGuard noGrad;
        const auto ids = torch::tensor({{1, 5, 9, 30, 2}}, torch::kInt64);
        // A random model's small logits move visibly under 4 bits; int8 moves them far less.
        const LlamaModel int8(folder, torch::kCPU, torch::kFloat32, baseWeightFormat("int8"));
        const auto reference = dense.forward(ids);
        const double e4 = relativeError(nf4.forward(ids), reference), e8 = relativeError(int8.forward(ids), reference);
        qInfo("fixture logits against the dense model's: nf4 %.3f, int8 %.4f relative", e4, e8);
        QVERIFY(e4 < 0.5 && e8 < e4 / 4);
        // hfTensors gives dequantised copies under the HF names; full fine-tuning has no dense weights to train.
        const auto named = nf4.hfTensors();
        QCOMPARE(named.size(), dense.hfTensors().size());
        QVERIFY_THROWS_EXCEPTION(std::exception, nf4.namedParameters());
    }
};

QTEST_GUILESS_MAIN(TestQuantizedBase)
#include "tst_quantized_base.moc"
