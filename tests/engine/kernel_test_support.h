#pragma once
// What the kernel suites share: inputs, composite references, relative errors, value-and-gradient comparisons and
// central-difference gradient checks.
#include "kernels/adamw.h"
#include "kernels/adapted_projection.h"
#include "kernels/causal_attention.h"
#include "kernels/cross_entropy.h"
#include "kernels/fast_dropout.h"
#include "kernels/rms_norm.h"
#include "kernels/rotary.h"
#include "kernels/swiglu.h"
#include "kernels/vector_math.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace l1ra::kernels;

namespace {

using Inputs = std::vector<torch::Tensor>;
using Fn = std::function<std::vector<torch::Tensor>(const Inputs&)>;

// max |a − b| / max |b|, in double: a normwise relative error that tolerates entries near zero.
double relErr(const torch::Tensor& a, const torch::Tensor& b) {
    const auto ad = a.detach().to(torch::kDouble), bd = b.detach().to(torch::kDouble);
    const double scale = std::max(bd.abs().max().item<double>(), 1e-12);
    return (ad - bd).abs().max().item<double>() / scale;
}

#define EXPECT_CLOSE(a, b, tol)                                                                                        \
    do {                                                                                                               \
        const double e_ = relErr((a), (b));                                                                            \
        QVERIFY2(e_ <= (tol), qPrintable(QStringLiteral("%1 vs %2: relative error %3 > %4").arg(#a, #b).arg(e_).arg(tol))); \
    } while (0)

struct Result {
    std::vector<torch::Tensor> outputs;
    std::vector<torch::Tensor> grads;   // per input; undefined where the input takes no gradient
};

// Runs f on fresh leaf copies of the inputs and back-propagates Σ_i Σ outputs_i ⊙ weights_i (double weights, the
// same for every caller), so that every output element gets a distinct upstream gradient.
Result run(const Fn& f, const Inputs& inputs, const std::vector<bool>& differentiable, uint64_t weightSeed = 99) {
    Inputs leaves;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto t = inputs[i].detach().clone();
        if (differentiable[i]) t.requires_grad_(true);
        leaves.push_back(t);
    }
    Result r;
    r.outputs = f(leaves);
    torch::manual_seed(weightSeed);
    torch::Tensor loss = torch::zeros({}, torch::kDouble);
    for (const auto& o : r.outputs) loss = loss + (o.to(torch::kDouble) * torch::randn(o.sizes(), torch::kDouble)).sum();
    loss.backward();
    for (std::size_t i = 0; i < leaves.size(); ++i) r.grads.push_back(differentiable[i] ? leaves[i].grad() : torch::Tensor());
    return r;
}

// adaptedProjection or its reference on inputs {x, weight, A0, A1, B0, B1, gate0, gate1}.
using ProjectionFn = decltype(&adaptedProjection);
torch::Tensor projectInputs(ProjectionFn fn, const Inputs& in, const LowRankGroup& group) {
    return fn(in[0], denseWeight(in[1]), {in[2], in[3]}, {in[4], in[5]}, {in[6], in[7]}, group);
}

// Fused and reference agree on outputs and on every gradient.
void compare(const Fn& fused, const Fn& reference, const Inputs& inputs, const std::vector<bool>& differentiable,
             double tol, const char* what) {
    const Result a = run(fused, inputs, differentiable), b = run(reference, inputs, differentiable);
    QCOMPARE(a.outputs.size(), b.outputs.size());
    for (std::size_t i = 0; i < a.outputs.size(); ++i) {
        QVERIFY2(a.outputs[i].sizes() == b.outputs[i].sizes(), what);
        QVERIFY2(a.outputs[i].scalar_type() == b.outputs[i].scalar_type(), what);
        const double e = relErr(a.outputs[i], b.outputs[i]);
        QVERIFY2(e <= tol, qPrintable(QStringLiteral("%1: output %2 relative error %3 > %4").arg(what).arg(i).arg(e).arg(tol)));
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!differentiable[i]) continue;
        QVERIFY2(a.grads[i].defined() && b.grads[i].defined(), what);
        QVERIFY2(a.grads[i].scalar_type() == inputs[i].scalar_type(), what);
        const double e = relErr(a.grads[i], b.grads[i]);
        QVERIFY2(e <= tol, qPrintable(QStringLiteral("%1: gradient %2 relative error %3 > %4").arg(what).arg(i).arg(e).arg(tol)));
    }
}

// Analytic gradients of a double-precision kernel against central differences at a few elements per input.
void gradcheck(const Fn& f, const Inputs& inputs, const std::vector<bool>& differentiable, const char* what) {
    const Result analytic = run(f, inputs, differentiable, 7);
    auto lossAt = [&](const Inputs& in) {
        torch::NoGradGuard noGrad;
        const auto outs = f(in);
        torch::manual_seed(7);
        double loss = 0;
        for (const auto& o : outs) loss += (o.to(torch::kDouble) * torch::randn(o.sizes(), torch::kDouble)).sum().item<double>();
        return loss;
    };
    const double h = 1e-6;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!differentiable[i]) continue;
        const int64_t n = inputs[i].numel();
        for (int64_t probe = 0; probe < std::min<int64_t>(n, 10); ++probe) {
            const int64_t at = (probe * 7919 + 13) % n;
            Inputs plus, minus;
            for (const auto& t : inputs) {
                plus.push_back(t.clone());
                minus.push_back(t.clone());
            }
            plus[i].view({-1})[at] += h;
            minus[i].view({-1})[at] -= h;
            const double numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
            const double exact = analytic.grads[i].reshape({-1})[at].item<double>();
            QVERIFY2(std::abs(numeric - exact) <= 1e-6 * std::max(1.0, std::abs(exact)),
                     qPrintable(QStringLiteral("%1: input %2 element %3: analytic %4, numeric %5").arg(what).arg(i).arg(at).arg(exact).arg(numeric)));
        }
    }
}

// The attention of LlamaModel::hidden, on its own layout (q [B, H, T, hd], GQA by broadcasting).
torch::Tensor llamaAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t start, int64_t window) {
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), hd = q.size(3), KV = k.size(1), G = H / KV, S = k.size(2);
    auto opts = torch::TensorOptions().dtype(torch::kInt64);
    auto qpos = torch::arange(start, S, opts).unsqueeze(1);
    auto kpos = torch::arange(0, S, opts).unsqueeze(0);
    auto masked = kpos > qpos;
    if (window > 0) masked = masked.logical_or(kpos <= qpos - window);
    auto qg = q.reshape({B, KV, G, T, hd});
    auto scores = torch::matmul(qg, k.unsqueeze(2).transpose(-1, -2)) * (1.0 / std::sqrt(double(hd)));
    scores = scores.masked_fill(masked, -std::numeric_limits<float>::infinity());
    auto probs = torch::softmax(scores, -1, torch::kFloat32).to(q.scalar_type());
    return torch::matmul(probs, v.unsqueeze(2)).reshape({B, H, T, hd});
}

struct AttentionCase {
    int64_t B, KV, G, T, hd, start, window;
    const char* name;
};

Inputs attentionInputs(const AttentionCase& c, torch::ScalarType dtype) {
    torch::manual_seed(c.B * 1000 + c.T * 10 + c.G);
    const int64_t S = c.start + c.T;
    return {torch::randn({c.B, c.KV, c.G * c.T, c.hd}).to(dtype), torch::randn({c.B, c.KV, S, c.hd}).to(dtype),
            torch::randn({c.B, c.KV, S, c.hd}).to(dtype)};
}

}  // namespace
