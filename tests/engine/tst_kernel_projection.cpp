// The adapted projection (a frozen weight with its group of LoRA/L1RA adapters as one autograd node) and the
// fused AdamW step against their composite references (kernel_test_support.h).
#include "kernel_test_support.h"

class TestKernelProjection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    // --- a projection group with its adapters -------------------------------------------------------------------

    // Inputs: x [2, 5, 6], the group's weight [20, 6], then A, B and gate of two adapters writing columns [0, 8)
    // and [12, 16) (a gap and an uncovered tail, as a q|k|v group with only q and v adapted). x and the weight
    // in `compute`, the adapters' parameters in `param`.
    static Inputs projectionInputs(torch::ScalarType compute, torch::ScalarType param, bool boundaryGates) {
        torch::manual_seed(53);
        auto gate0 = boundaryGates ? torch::tensor({1.0, 0.0, 0.4}) : torch::tensor({0.7, 0.2, 0.4});
        auto gate1 = boundaryGates ? torch::tensor({1.3, -0.2}) : torch::tensor({0.9, 0.35});
        return {torch::randn({2, 5, 6}).to(compute), torch::randn({20, 6}).to(compute),
                torch::randn({3, 6}).to(param), torch::randn({2, 6}).to(param),
                torch::randn({8, 3}).to(param), torch::randn({4, 2}).to(param), gate0.to(param), gate1.to(param)};
    }

    void adaptedProjectionMatchesReference() {
        for (const bool gated : {true, false}) {
            for (const double dropout : {0.0, 0.2}) {
                LowRankGroup group;
                group.columnOffsets = {0, 12};
                group.scales = {2.0, 0.5};
                group.gated = gated;
                group.rankMultiple = gated ? 16 : 1;   // L1RA pads the stacked rank 5 to 16
                group.dropout = dropout;
                group.seed = 77;
                auto call = [&](auto fn) { return [&, fn](const Inputs& in) { return Inputs{projectInputs(fn, in, group)}; }; };
                // The weight is frozen; gates at and beyond the clamp's ends: the gradient passes at 0 and 1 and
                // stops outside [0, 1].
                const std::vector<bool> diff{true, false, true, true, true, true, gated, gated};
                const std::string what = std::string(gated ? "L1RA group" : "LoRA group") + (dropout > 0 ? ", dropout" : "");
                const Fn fused = call(adaptedProjection), ref = call(adaptedProjectionReference);
                compare(fused, ref, projectionInputs(torch::kFloat32, torch::kFloat32, true), diff, 1e-5, what.c_str());
                compare(fused, ref, projectionInputs(torch::kBFloat16, torch::kFloat32, true), diff, 3e-2, what.c_str());
                gradcheck(fused, projectionInputs(torch::kDouble, torch::kDouble, false), diff, what.c_str());
            }
        }
    }

    void adaptedProjectionIsOneNodeOnlyWhereItCanBe() {
        LowRankGroup group;
        group.columnOffsets = {0, 12};
        group.scales = {1.0, 1.0};
        auto in = projectionInputs(torch::kFloat32, torch::kFloat32, false);
        in[0].requires_grad_(true);
        auto fusedNode = [](const torch::Tensor& t) {
            return t.grad_fn() && t.grad_fn()->name().find("AdaptedProjectionFunction") != std::string::npos;
        };
        QVERIFY(fusedNode(projectInputs(adaptedProjection, in, group)));
        // A weight that trains, or one in another dtype than x, takes the composite path, gradient included.
        auto trained = in;
        trained[1] = in[1].clone().requires_grad_(true);
        const auto y = projectInputs(adaptedProjection, trained, group);
        QVERIFY(y.grad_fn() && !fusedNode(y));
        y.sum().backward();
        EXPECT_CLOSE(trained[1].grad(), torch::ones({10, 20}).t().mm(in[0].detach().view({10, 6})), 1e-6);
        // An fp32 x with a bf16 weight, as autocast allows: the composite path, whose products autocast to bf16.
        auto mixed = in;
        mixed[1] = in[1].to(torch::kBFloat16);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
        const auto autocast = projectInputs(adaptedProjection, mixed, group);
        at::autocast::set_cpu_enabled(false);
        at::autocast::clear_cache();
        QVERIFY(!fusedNode(autocast));
        QCOMPARE(autocast.scalar_type(), torch::kBFloat16);
    }
    // --- AdamW ------------------------------------------------------------------------------------------------

    void adamWMatchesTheForeachReference() {
        torch::manual_seed(61);
        const std::vector<std::vector<int64_t>> shapes{{8, 256}, {688, 8}, {8}, {0}, {3, 5}};
        auto make = [&](double scale) {
            std::vector<torch::Tensor> out;
            for (const auto& s : shapes) out.push_back(torch::randn(s) * scale);
            return out;
        };
        auto copies = [](const std::vector<torch::Tensor>& ts) {
            std::vector<torch::Tensor> out;
            for (const auto& t : ts) out.push_back(t.clone());
            return out;
        };
        auto values = make(1), expAvg = make(0.1), expAvgSq = make(0.01);
        for (auto& t : expAvgSq) t.abs_();
        auto refValues = copies(values), refAvg = copies(expAvg), refAvgSq = copies(expAvgSq);
        for (const double decay : {0.0, 0.01}) {
            for (int t = 1; t <= 3; ++t) {
                const auto grads = make(0.5);
                AdamWStep step;
                step.lr = 1e-3;
                step.weightDecay = decay;
                step.bias1 = 1 - std::pow(0.9, t);
                step.bias2 = 1 - std::pow(0.999, t);
                adamW(values, grads, expAvg, expAvgSq, step);
                adamWReference(refValues, grads, refAvg, refAvgSq, step);
            }
        }
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            if (values[i].numel() == 0) continue;   // an empty tensor in the list is simply passed over
            EXPECT_CLOSE(values[i], refValues[i], 1e-6);
            EXPECT_CLOSE(expAvg[i], refAvg[i], 1e-6);
            EXPECT_CLOSE(expAvgSq[i], refAvgSq[i], 1e-6);
        }
        // One element by hand: p = 1, g = 0.5, m = v = 0, first step, decay 0.1, lr 0.01.
        auto p = torch::ones({1}), m = torch::zeros({1}), v = torch::zeros({1});
        AdamWStep first;
        first.lr = 0.01;
        first.weightDecay = 0.1;
        first.bias1 = 0.1;
        first.bias2 = 0.001;
        adamW({p}, {torch::full({1}, 0.5)}, {m}, {v}, first);
        const double mExact = 0.05, vExact = 0.00025;
        const double pExact = 1.0 * (1 - 0.001) - 0.01 / 0.1 * mExact / (std::sqrt(vExact / 0.001) + 1e-8);
        QVERIFY(std::abs(m.item<double>() - mExact) < 1e-8);
        QVERIFY(std::abs(v.item<double>() - vExact) < 1e-9);
        QVERIFY2(std::abs(p.item<double>() - pExact) < 1e-6, qPrintable(QString::number(p.item<double>(), 'g', 10)));
        QVERIFY(p._version() > 0);   // the in-place update is visible to autograd's version check
    }

    void adaptedProjectionRejectsMismatchedGroups() {
        const auto in = projectionInputs(torch::kFloat32, torch::kFloat32, false);
        LowRankGroup group;
        group.columnOffsets = {0, 18};   // the second adapter's 4 columns would end past the width 20
        group.scales = {1.0, 1.0};
        QVERIFY_THROWS_EXCEPTION(c10::Error, projectInputs(adaptedProjection, in, group));
        group.columnOffsets = {0, 12};
        auto swapped = in;
        std::swap(swapped[2], swapped[4]);   // an A that does not read x's 6 features
        QVERIFY_THROWS_EXCEPTION(c10::Error, projectInputs(adaptedProjection, swapped, group));
        auto narrow = in;
        narrow[1] = in[1].narrow(1, 0, 5);   // a weight for 5 input features
        QVERIFY_THROWS_EXCEPTION(c10::Error, projectInputs(adaptedProjection, narrow, group));
    }
};

QTEST_GUILESS_MAIN(TestKernelProjection)
#include "tst_kernel_projection.moc"
