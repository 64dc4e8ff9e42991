// MatmulMeter: the wall time `l1ra bench` reports as spent in matrix products. It must count each product once
// (linear -> matmul -> mm nests), count backward products, and leave element-wise work out.
#include "perf/matmul_meter.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <QtTest>

using l1ra::MatmulMeter;

class TestMatmulMeter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void countsEachProductOnce() {
        const auto a = torch::randn({64, 32}), b = torch::randn({32, 16});
        const auto x = torch::randn({4, 8, 32}), w = torch::randn({16, 32});
        MatmulMeter meter;
        torch::mm(a, b);
        torch::linear(x, w);                                  // linear -> matmul -> mm: one product
        torch::matmul(torch::randn({3, 5, 32}), b);           // folded into one mm
        torch::bmm(torch::randn({2, 5, 32}), torch::randn({2, 32, 4}));
        torch::addmm(torch::randn({64, 16}), a, b);
        torch::randn({64, 16}).addmm_(a, b);                  // in place, as the adapters' update
        QCOMPARE(meter.calls(), int64_t(6));
        QVERIFY(meter.seconds() > 0);
    }

    void leavesElementWiseWorkOut() {
        const auto big = torch::randn({1 << 20});
        MatmulMeter meter;
        for (int i = 0; i < 20; ++i) (big * 2 + 1).exp().sum();
        QCOMPARE(meter.calls(), int64_t(0));
        QCOMPARE(meter.seconds(), 0.0);
    }

    void countsBackwardProductsAndAutocastCallsOnce() {
        const auto x = torch::randn({16, 32}, torch::requires_grad()), w = torch::randn({8, 32}, torch::requires_grad());
        MatmulMeter meter;
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
        auto y = torch::linear(x, w);   // the casts autocast adds around it are not product time; the mm is
        at::autocast::set_cpu_enabled(false);
        at::autocast::clear_cache();
        QCOMPARE(y.scalar_type(), torch::kBFloat16);
        QCOMPARE(meter.calls(), int64_t(1));
        y.sum().backward();             // the input and weight gradients: one product each
        QCOMPARE(meter.calls(), int64_t(3));
        meter.reset();
        QCOMPARE(meter.calls(), int64_t(0));
        QCOMPARE(meter.seconds(), 0.0);
    }

    void oneMeterAtATime() {
        MatmulMeter meter;
        QVERIFY_THROWS_EXCEPTION(std::exception, MatmulMeter());
    }
};

QTEST_GUILESS_MAIN(TestMatmulMeter)
#include "tst_matmul_meter.moc"
