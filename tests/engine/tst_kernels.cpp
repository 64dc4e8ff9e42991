// Fused CPU kernels (engine/src/kernels) against their composite references: values and gradients in fp32
// (tight), bf16 (loose) and double (central differences), edge shapes, and dropout's reproducibility. The
// adapted projection and AdamW are in tst_kernel_projection.cpp.
#include "kernel_test_support.h"

class TestKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void expApproximationIsWithinTwoUlp() {
        // Every 4096th fp32 value in the range the kernels feed it, plus the ends.
        double worst = 0;
        for (double x = -87.0; x <= 88.0; x += 1.0 / 4096) {
            const double exact = std::exp(double(float(x)));
            worst = std::max(worst, std::abs(double(expApprox(float(x))) - exact) / exact);
        }
        QVERIFY2(worst < 2.5e-7, qPrintable(QString::number(worst)));
        QCOMPARE(expApprox(-100.0f), 0.0f);
        QCOMPARE(expApprox(0.0f), 1.0f);
        QVERIFY(std::isnan(expApprox(std::numeric_limits<float>::quiet_NaN())));
        QVERIFY(std::isfinite(expApprox(1000.0f)));
    }

    // --- causal attention -------------------------------------------------------------------------------------

    void attentionFoldedLayoutMatchesTheModel() {
        // The reference on the folded layout is LlamaModel's attention on [B, H, T, hd].
        for (const AttentionCase& c : {AttentionCase{2, 2, 3, 5, 8, 0, 0, "prefill"}, AttentionCase{1, 2, 2, 1, 8, 6, 0, "decode"},
                                       AttentionCase{1, 1, 4, 6, 4, 2, 3, "window"}}) {
            const auto in = attentionInputs(c, torch::kFloat32);
            const int64_t H = c.KV * c.G;
            const auto qh = in[0].view({c.B, H, c.T, c.hd});
            const auto model = llamaAttention(qh, in[1], in[2], c.start, c.window);
            const auto folded = causalAttentionReference(in[0], in[1], in[2], c.start, c.window).view({c.B, H, c.T, c.hd});
            EXPECT_CLOSE(folded, model, 1e-6);
            const auto fused = causalAttention(in[0], in[1], in[2], c.start, c.window).view({c.B, H, c.T, c.hd});
            EXPECT_CLOSE(fused, model, 1e-5);
        }
    }

    void attentionMatchesReference_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < 9; ++i) QTest::newRow(QByteArray::number(i).constData()) << i;
    }
    void attentionMatchesReference() {
        QFETCH(int, index);
        static const AttentionCase cases[] = {
            {2, 2, 2, 7, 8, 0, 0, "G=2"},
            {1, 3, 1, 9, 16, 0, 0, "G=1"},
            {2, 1, 4, 6, 8, 0, 0, "G=4"},
            {1, 2, 2, 1, 8, 11, 0, "decode T=1, start 11"},
            {1, 2, 4, 1, 12, 5, 0, "decode T=1, G=4, odd hd"},
            {2, 2, 2, 13, 6, 0, 4, "sliding window 4"},
            {1, 2, 3, 5, 8, 9, 3, "window 3 with cache"},
            {1, 2, 2, 1, 8, 20, 6, "decode with window"},
            {1, 1, 2, 37, 20, 3, 0, "odd sizes"},
        };
        const AttentionCase& c = cases[index];
        const std::vector<bool> all{true, true, true};
        auto fused = [&](const Inputs& in) { return Inputs{causalAttention(in[0], in[1], in[2], c.start, c.window)}; };
        auto ref = [&](const Inputs& in) { return Inputs{causalAttentionReference(in[0], in[1], in[2], c.start, c.window)}; };
        compare(fused, ref, attentionInputs(c, torch::kFloat32), all, 1e-5, c.name);
        compare(fused, ref, attentionInputs(c, torch::kBFloat16), all, 4e-2, c.name);
        if (index % 3 == 0) gradcheck(fused, attentionInputs(c, torch::kDouble), all, c.name);
    }

    void attentionAcceptsStridedCacheViews() {
        // k, v as LlamaModel's cache hands them over: narrowed from [B, KV, capacity, hd]; q a transposed view.
        const int64_t B = 2, KV = 2, G = 2, T = 4, hd = 8, start = 3, S = start + T, capacity = 16;
        torch::manual_seed(5);
        auto cacheK = torch::randn({B, KV, capacity, hd}), cacheV = torch::randn({B, KV, capacity, hd});
        auto qt = torch::randn({B, KV, hd, G * T}).transpose(2, 3);   // non-contiguous [B, KV, G·T, hd]
        auto k = cacheK.narrow(2, 0, S), v = cacheV.narrow(2, 0, S);
        QVERIFY(!k.is_contiguous() && !qt.is_contiguous());
        EXPECT_CLOSE(causalAttention(qt, k, v, start, 0), causalAttentionReference(qt.contiguous(), k.contiguous(), v.contiguous(), start, 0), 1e-5);
        // Mixed dtypes promote, as the reference's matmul would refuse to.
        const auto mixed = causalAttention(qt.to(torch::kBFloat16), k, v, start, 0);
        QCOMPARE(mixed.scalar_type(), torch::kFloat32);
    }

    void attentionRejectsBadShapes() {
        auto q = torch::randn({1, 2, 6, 8}), k = torch::randn({1, 2, 4, 8});
        QVERIFY_THROWS_EXCEPTION(c10::Error, causalAttention(q, k, k, 0, 0));    // 6 rows are not a multiple of T = 4
        QVERIFY_THROWS_EXCEPTION(c10::Error, causalAttention(q, k, k, 4, 0));    // no new keys
        QVERIFY_THROWS_EXCEPTION(c10::Error, causalAttention(q, k, k.narrow(2, 0, 3), 1, 0));
    }

    void attentionIgnoresAutocast() {
        // A custom autograd function is not autocast-aware: in an autocast region the fused attention computes in
        // the dtype it is given, its inner products included; the composite reference follows autocast.
        torch::manual_seed(41);
        const auto q = torch::randn({1, 2, 8, 8}), k = torch::randn({1, 2, 4, 8});
        const auto outside = causalAttention(q, k, k, 0, 0);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
        const auto inside = causalAttention(q, k, k, 0, 0);
        const auto reference = causalAttentionReference(q, k, k, 0, 0);
        at::autocast::set_cpu_enabled(false);
        at::autocast::clear_cache();
        QCOMPARE(inside.scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal(inside, outside));
        QCOMPARE(reference.scalar_type(), torch::kBFloat16);
    }

    // --- dropout ----------------------------------------------------------------------------------------------

    void dropoutMatchesTheCompositeMaskExactly() {
        for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kDouble}) {
            for (int64_t n : {1, 2, 7, 1001, 40000}) {
                torch::manual_seed(n);
                const auto x = torch::randn({n}).to(dtype);
                const uint64_t seed = dropoutSeed(42, n, 1, 2);
                const auto fused = fastDropout(x, 0.3, seed), ref = fastDropoutReference(x, 0.3, seed);
                QCOMPARE(fused.scalar_type(), dtype);
                QVERIFY2(torch::equal(fused, ref), qPrintable(QStringLiteral("n = %1").arg(n)));
            }
        }
        // A non-contiguous input: the mask follows the logical (row-major) order.
        torch::manual_seed(3);
        const auto xt = torch::randn({33, 17}).t();
        QVERIFY(torch::equal(fastDropout(xt, 0.5, 9), fastDropoutReference(xt, 0.5, 9)));
        QVERIFY(torch::equal(fastDropout(xt, 0.5, 9), fastDropout(xt.contiguous(), 0.5, 9)));
    }

    void dropoutGradientUsesTheSameMask() {
        torch::manual_seed(4);
        const auto x = torch::randn({8, 33, 19});
        auto fused = [](const Inputs& in) { return Inputs{fastDropout(in[0], 0.25, 1234)}; };
        auto ref = [](const Inputs& in) { return Inputs{fastDropoutReference(in[0], 0.25, 1234)}; };
        compare(fused, ref, {x}, {true}, 0.0, "dropout f32");
        compare(fused, ref, {x.to(torch::kBFloat16)}, {true}, 0.0, "dropout bf16");
        gradcheck(fused, {x.to(torch::kDouble)}, {true}, "dropout double");
        // Kept elements are scaled by 1/(1-p), dropped ones are zero, and the gradient has the same pattern.
        auto leaf = x.clone().requires_grad_(true);
        auto y = fastDropout(leaf, 0.25, 1234);
        y.sum().backward();
        const auto kept = y.ne(0);
        EXPECT_CLOSE(y.masked_select(kept), x.masked_select(kept) / 0.75, 1e-7);
        QVERIFY(torch::equal(leaf.grad().ne(0), kept));
    }

    void addDroppedAddsTheSameMask() {
        for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kDouble}) {
            for (int64_t n : {1, 7, 40001}) {
                torch::manual_seed(n);
                const auto x = torch::randn({n}).to(dtype), base = torch::randn({n}).to(dtype);
                for (const double p : {0.0, 0.3, 1.0}) {
                    auto y = base.clone();
                    addDropped(y, x, p, 5);
                    // The same kept elements and values up to the rounding of the sum (the kernel may fuse the
                    // scaling and the addition into one multiply-add).
                    const auto expected = base + fastDropoutReference(x, p, 5);
                    const QString what = QStringLiteral("n = %1, p = %2").arg(n).arg(p);
                    QVERIFY2(relErr(y, expected) <= (dtype == torch::kBFloat16 ? 1e-2 : 1e-6), qPrintable(what));
                    QVERIFY2(torch::equal(y.ne(base), expected.ne(base)), qPrintable(what));
                }
            }
        }
        // Strided y (composite path) and mismatched shapes.
        const auto x = torch::randn({4, 6});
        auto wide = torch::zeros({6, 4}), y = wide.t();
        addDropped(y, x, 0.5, 3);
        QVERIFY(torch::equal(y, fastDropoutReference(x, 0.5, 3)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, addDropped(torch::zeros({4, 5}), x, 0.5, 3));
    }

    void dropoutIsTheSameForAnyThreadCount() {
        torch::manual_seed(6);
        const auto x = torch::randn({1 << 20}).to(torch::kBFloat16);
        torch::set_num_threads(1);
        const auto one = fastDropout(x, 0.1, 77);
        torch::set_num_threads(2);
        const auto two = fastDropout(x, 0.1, 77);
        QVERIFY(torch::equal(one, two));
        QVERIFY(!torch::equal(two, fastDropout(x, 0.1, 78)));
    }

    void dropoutKeepRateIsOneMinusP() {
        const int64_t n = 1 << 21;
        const auto ones = torch::ones({n});
        for (double p : {0.05, 0.1, 0.5, 0.9}) {
            const double keep = fastDropout(ones, p, dropoutSeed(1, 2, 3, 0)).ne(0).to(torch::kDouble).mean().item<double>();
            const double sigma = std::sqrt(p * (1 - p) / double(n));
            QVERIFY2(std::abs(keep - (1 - p)) < 5 * sigma, qPrintable(QStringLiteral("p = %1: keep rate %2").arg(p).arg(keep)));
        }
        // Masks of different seeds are independent: the overlap of two keep masks is (1 - p)^2.
        const auto a = fastDropout(ones, 0.5, dropoutSeed(1, 2, 3, 0)).ne(0), b = fastDropout(ones, 0.5, dropoutSeed(1, 2, 3, 1)).ne(0);
        const double both = a.logical_and(b).to(torch::kDouble).mean().item<double>();
        QVERIFY2(std::abs(both - 0.25) < 5 * std::sqrt(0.25 * 0.75 / double(n)), qPrintable(QString::number(both)));
        // Edge probabilities.
        QVERIFY(fastDropout(ones, 0.0, 5).is_same(ones));
        QCOMPARE(fastDropout(ones, 1.0, 5).abs().sum().item<double>(), 0.0);
        QVERIFY_THROWS_EXCEPTION(c10::Error, fastDropout(ones, 1.5, 5));
    }

    // The CUDA path, run here on the CPU generator (the code is device-generic): reproducible per seed, keep rate
    // 1 − p, kept elements scaled, gradient with the same mask, and the default generator's stream untouched.
    void seededBernoulliDropoutIsReproducible() {
        const int64_t n = 1 << 20;
        const auto ones = torch::ones({n});
        torch::manual_seed(11);
        const auto expectedNext = torch::rand({4});
        torch::manual_seed(11);
        const auto a = seededBernoulliDropout(ones, 0.1, 42);
        QVERIFY(torch::equal(torch::rand({4}), expectedNext));
        QVERIFY(torch::equal(a, seededBernoulliDropout(ones, 0.1, 42)));
        QVERIFY(!torch::equal(a, seededBernoulliDropout(ones, 0.1, 43)));
        const double keep = a.ne(0).to(torch::kDouble).mean().item<double>();
        QVERIFY2(std::abs(keep - 0.9) < 5 * std::sqrt(0.09 / double(n)), qPrintable(QString::number(keep)));
        const auto kept = a.ne(0);
        EXPECT_CLOSE(a.masked_select(kept), torch::full({kept.sum().item<int64_t>()}, 1 / 0.9), 1e-7);
        auto leaf = torch::randn({64, 33}).requires_grad_(true);
        auto y = seededBernoulliDropout(leaf, 0.25, 7);
        y.sum().backward();
        QVERIFY(torch::equal(leaf.grad().ne(0), y.ne(0)));
    }

    void dropoutSeedsDifferPerField() {
        const uint64_t base = dropoutSeed(7, 10, 2, 1);
        QCOMPARE(dropoutSeed(7, 10, 2, 1), base);
        for (uint64_t other : {dropoutSeed(8, 10, 2, 1), dropoutSeed(7, 11, 2, 1), dropoutSeed(7, 10, 3, 1), dropoutSeed(7, 10, 2, 2),
                               dropoutSeed(7, 2, 10, 1), dropoutSeed(7, 10, 1, 2)})
            QVERIFY(other != base);
    }

    // --- cross-entropy ----------------------------------------------------------------------------------------

    void crossEntropyMatchesReference_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("vocab");
        QTest::newRow("small") << 37 << 101;
        QTest::newRow("several blocks") << 16 << 2048;
        QTest::newRow("odd vocab") << 9 << 300;
        QTest::newRow("one row") << 1 << 5;
    }
    void crossEntropyMatchesReference() {
        QFETCH(int, rows);
        QFETCH(int, vocab);
        torch::manual_seed(rows * 31 + vocab);
        const auto logits = torch::randn({rows, vocab}) * 4;
        auto labels = torch::randint(0, vocab, {rows}, torch::kInt64);
        if (rows > 2) labels.index_put_({torch::arange(0, rows, 3)}, -100);   // every third token ignored
        auto fused = [&](const Inputs& in) { return Inputs{crossEntropySum(in[0], labels)}; };
        auto ref = [&](const Inputs& in) { return Inputs{crossEntropySumReference(in[0], labels)}; };
        compare(fused, ref, {logits}, {true}, 1e-5, "cross-entropy f32");
        // bf16 logits: both compute in fp32 from the same values, so the loss agrees tightly; the gradient is bf16.
        const auto lb = logits.to(torch::kBFloat16);
        EXPECT_CLOSE(crossEntropySum(lb, labels), crossEntropySumReference(lb, labels), 1e-5);
        QCOMPARE(crossEntropySum(lb, labels).scalar_type(), torch::kFloat32);
        compare(fused, ref, {lb}, {true}, 1e-2, "cross-entropy bf16");
        if (vocab <= 300) gradcheck(fused, {logits.to(torch::kDouble)}, {true}, "cross-entropy double");
    }

    void crossEntropyFollowsARisingMax() {
        // Logits that grow along the row move the running max in every block; one huge logit dominates.
        const int64_t V = 1000;
        auto logits = torch::linspace(-50, 60, V).unsqueeze(0).repeat({3, 1});
        logits[2][V - 1] = 500;
        const auto labels = torch::tensor({int64_t(0), V - 1, int64_t(17)});
        EXPECT_CLOSE(crossEntropySum(logits, labels), crossEntropySumReference(logits, labels), 1e-6);
    }

    void crossEntropyWithAllLabelsIgnored() {
        const auto logits = torch::randn({4, 10}).requires_grad_(true);
        const auto labels = torch::full({4}, -100, torch::kInt64);
        auto loss = crossEntropySum(logits, labels);
        QCOMPARE(loss.item<double>(), 0.0);
        (loss / 7).backward();
        QCOMPARE(logits.grad().abs().sum().item<double>(), 0.0);
        // A custom ignore index, and a scaled upstream gradient (the trainer divides by the token count).
        const auto labels2 = torch::tensor({int64_t(3), int64_t(-1), int64_t(9), int64_t(-1)});
        auto fused = [&](const Inputs& in) { return Inputs{crossEntropySum(in[0], labels2, -1) / 5.0}; };
        auto ref = [&](const Inputs& in) { return Inputs{crossEntropySumReference(in[0], labels2, -1) / 5.0}; };
        compare(fused, ref, {logits.detach()}, {true}, 1e-6, "ignore -1");
        QVERIFY_THROWS_EXCEPTION(c10::Error, crossEntropySum(logits, torch::tensor({int64_t(0), int64_t(10), int64_t(1), int64_t(2)})));
    }

    // --- RMSNorm ----------------------------------------------------------------------------------------------

    void rmsNormMatchesReference_data() {
        QTest::addColumn<int>("xType");
        QTest::addColumn<int>("wType");
        QTest::addColumn<int>("expected");
        QTest::addColumn<double>("tol");
        const int f = int(torch::kFloat32), b = int(torch::kBFloat16);
        QTest::newRow("x f32, w f32") << f << f << f << 1e-5;
        QTest::newRow("x bf16, w bf16") << b << b << b << 2e-2;
        QTest::newRow("x bf16, w f32") << b << f << f << 2e-2;
        QTest::newRow("x f32, w bf16") << f << b << f << 2e-2;
    }
    void rmsNormMatchesReference() {
        QFETCH(int, xType);
        QFETCH(int, wType);
        QFETCH(int, expected);
        QFETCH(double, tol);
        for (int64_t D : {int64_t(256), int64_t(37)}) {
            torch::manual_seed(D);
            const auto x = (torch::randn({3, 11, D}) * 3).to(torch::ScalarType(xType));
            const auto w = (1 + 0.1 * torch::randn({D})).to(torch::ScalarType(wType));
            QCOMPARE(int(rmsNorm(x, w, 1e-5).scalar_type()), expected);   // HF's type promotion
            auto fused = [](const Inputs& in) { return Inputs{rmsNorm(in[0], in[1], 1e-5)}; };
            auto ref = [](const Inputs& in) { return Inputs{rmsNormReference(in[0], in[1], 1e-5)}; };
            compare(fused, ref, {x, w}, {true, true}, tol, "rmsNorm, trained weight");
            compare(fused, ref, {x, w}, {true, false}, tol, "rmsNorm, frozen weight");
        }
    }

    void rmsNormForwardIsBitExactWhereRoundingAgrees() {
        // bf16 in and out: the fused value is the reference value for nearly every element (near-ties may differ).
        torch::manual_seed(12);
        const auto x = torch::randn({64, 256}).to(torch::kBFloat16);
        const auto w = torch::randn({256}).to(torch::kBFloat16);
        const auto same = rmsNorm(x, w, 1e-6).eq(rmsNormReference(x, w, 1e-6)).to(torch::kDouble).mean().item<double>();
        QVERIFY2(same > 0.99, qPrintable(QString::number(same)));
    }

    void rmsNormGradientsInDouble() {
        torch::manual_seed(13);
        auto fused = [](const Inputs& in) { return Inputs{rmsNorm(in[0], in[1], 1e-6)}; };
        gradcheck(fused, {torch::randn({5, 7}, torch::kDouble), torch::randn({7}, torch::kDouble)}, {true, true}, "rmsNorm double");
    }

    void rmsNormWeightGradientIsTheSameForAnyThreadCount() {
        torch::manual_seed(14);
        const auto x = torch::randn({8, 256, 256}).to(torch::kBFloat16);
        const auto w = torch::ones({256}, torch::kBFloat16);
        auto gradW = [&] {
            auto leaf = w.clone().requires_grad_(true);
            auto xl = x.clone().requires_grad_(true);
            (rmsNorm(xl, leaf, 1e-5).to(torch::kFloat32) * torch::linspace(-1, 1, 256)).sum().backward();
            return std::make_pair(leaf.grad(), xl.grad());
        };
        torch::set_num_threads(1);
        const auto one = gradW();
        torch::set_num_threads(2);
        const auto two = gradW();
        QVERIFY(torch::equal(one.first, two.first));
        QVERIFY(torch::equal(one.second, two.second));
    }

    // --- rotary -----------------------------------------------------------------------------------------------

    void rotaryMatchesReference_data() {
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("T");
        QTest::newRow("G=2") << 4 << 2 << 8 << 5;
        QTest::newRow("G=1") << 3 << 3 << 16 << 4;
        QTest::newRow("G=4, T=1") << 8 << 2 << 6 << 1;
        QTest::newRow("standard") << 8 << 4 << 32 << 33;
    }
    void rotaryMatchesReference() {
        QFETCH(int, heads);
        QFETCH(int, kvHeads);
        QFETCH(int, headDim);
        QFETCH(int, T);
        torch::manual_seed(heads * 100 + T);
        const int64_t B = 2, W = (heads + 2 * kvHeads) * headDim;
        const auto qkv = torch::randn({B, T, W});
        // cos/sin as LlamaModel::rotary builds them, for positions 3..3+T-1.
        const auto invFreq = 1.0 / torch::pow(10000.0, torch::arange(0, headDim, 2).to(torch::kFloat32) / float(headDim));
        const auto freqs = torch::outer(torch::arange(3, 3 + T).to(torch::kFloat32), invFreq);
        const auto emb = torch::cat({freqs, freqs}, -1);
        const auto cos = emb.cos(), sin = emb.sin();
        auto fused = [&](const Inputs& in) { return applyRotary(in[0], in[1], in[2], heads, kvHeads, headDim); };
        auto ref = [&](const Inputs& in) { return applyRotaryReference(in[0], in[1], in[2], heads, kvHeads, headDim); };
        compare(fused, ref, {qkv, cos, sin}, {true, false, false}, 1e-6, "rotary f32");
        // bf16 activations with fp32 or bf16 tables: both round once from fp32.
        compare(fused, ref, {qkv.to(torch::kBFloat16), cos, sin}, {true, false, false}, 1e-2, "rotary bf16, fp32 tables");
        compare(fused, ref, {qkv.to(torch::kBFloat16), cos.to(torch::kBFloat16), sin.to(torch::kBFloat16)}, {true, false, false}, 1e-2,
                "rotary bf16, bf16 tables");
        gradcheck(fused, {qkv.to(torch::kDouble), cos.to(torch::kDouble), sin.to(torch::kDouble)}, {true, false, false}, "rotary double");

        // The layouts: q folded as causalAttention wants it, k and v per KV head; the rotation is LlamaModel's.
        const auto out = applyRotary(qkv, cos, sin, heads, kvHeads, headDim);
        const auto q = qkv.narrow(-1, 0, heads * headDim).view({B, T, heads, headDim}).transpose(1, 2);
        auto rotateHalf = [](const torch::Tensor& x) {
            const int64_t h = x.size(-1) / 2;
            return torch::cat({-x.narrow(-1, h, h), x.narrow(-1, 0, h)}, -1);
        };
        const auto qModel = q * cos + rotateHalf(q) * sin;   // [B, H, T, hd]
        EXPECT_CLOSE(out[0], qModel.reshape({B, kvHeads, (heads / kvHeads) * T, headDim}), 1e-6);
        const auto v = qkv.narrow(-1, (heads + kvHeads) * headDim, kvHeads * headDim).view({B, T, kvHeads, headDim}).transpose(1, 2);
        QVERIFY(torch::equal(out[2], v));
    }

    void rotaryGradientWithUnusedOutputs() {
        // Only q and k reach the loss: v's gradient slice is zero.
        torch::manual_seed(21);
        const int64_t H = 4, KV = 2, hd = 8, T = 3;
        const auto qkv = torch::randn({1, T, (H + 2 * KV) * hd}).requires_grad_(true);
        const auto cos = torch::rand({T, hd}), sin = torch::rand({T, hd});
        auto out = applyRotary(qkv, cos, sin, H, KV, hd);
        (out[0].sum() + 2 * out[1].sum()).backward();
        const auto g = qkv.grad();
        QCOMPARE(g.narrow(-1, (H + KV) * hd, KV * hd).abs().sum().item<double>(), 0.0);
        auto leaf = qkv.detach().clone().requires_grad_(true);
        auto refOut = applyRotaryReference(leaf, cos, sin, H, KV, hd);
        (refOut[0].sum() + 2 * refOut[1].sum()).backward();
        EXPECT_CLOSE(g, leaf.grad(), 1e-6);
    }

    // --- SwiGLU -----------------------------------------------------------------------------------------------

    void swigluMatchesReference() {
        torch::manual_seed(31);
        auto fused = [](const Inputs& in) { return Inputs{swiglu(in[0])}; };
        auto ref = [](const Inputs& in) { return Inputs{swigluReference(in[0])}; };
        for (int64_t F : {int64_t(688), int64_t(37), int64_t(1)}) {
            const auto x = torch::randn({2, 9, 2 * F}) * 3;
            compare(fused, ref, {x}, {true}, 1e-5, "swiglu f32");
            compare(fused, ref, {x.to(torch::kBFloat16)}, {true}, 2e-2, "swiglu bf16");
        }
        // A strided input (a narrow of a wider projection).
        const auto wide = torch::randn({4, 7, 100});
        EXPECT_CLOSE(swiglu(wide.narrow(-1, 10, 74)), swigluReference(wide.narrow(-1, 10, 74)), 1e-5);
        // Large |gate|: no overflow in the sigmoid.
        const auto extreme = torch::tensor({-200.0f, -90.0f, 90.0f, 200.0f, 1.0f, 1.0f, 1.0f, 1.0f}).view({1, 8});
        EXPECT_CLOSE(swiglu(extreme), swigluReference(extreme), 1e-6);
        gradcheck(fused, {torch::randn({3, 14}, torch::kDouble) * 3}, {true}, "swiglu double");
    }
};

QTEST_GUILESS_MAIN(TestKernels)
#include "tst_kernels.moc"
