// Micro-benchmark of the fused kernels (engine/src/kernels) against the composite code they replace, at the
// standard benchmark shape (B=8, T=256, dim 256, 8 heads / 4 KV heads, FFN 688, vocab 2048), fp32 and bf16.
// Prints the median forward and forward+backward time of each. Not a ctest: run it on a quiet machine.
//
//   kernel_bench [--reps N] [--threads N] [--only NAME]
#include "model/blas_threads.h"
#include "kernels/adapted_projection.h"
#include "kernels/causal_attention.h"
#include "kernels/cross_entropy.h"
#include "kernels/fast_dropout.h"
#include "kernels/rms_norm.h"
#include "kernels/rotary.h"
#include "kernels/swiglu.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace l1ra::kernels;

namespace {

constexpr int64_t B = 8, T = 256, D = 256, H = 8, KV = 4, HD = 32, F = 688, V = 2048;

double now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

struct Timing {
    double forward = 0, total = 0;   // medians, seconds
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

using KernelFn = std::function<std::vector<torch::Tensor>(const std::vector<torch::Tensor>&)>;

struct Bench {
    std::string name;
    std::function<std::vector<torch::Tensor>(torch::ScalarType)> inputs;   // fresh tensors; grads where they train
    KernelFn fused, reference;
};

// One implementation with its own leaves and upstream gradients; .grad is dropped before each backward so that
// nothing accumulates.
struct Runner {
    KernelFn f;
    std::vector<torch::Tensor> leaves, upstream;
    std::vector<double> forward, total;

    Runner(KernelFn fn, std::vector<torch::Tensor> in) : f(std::move(fn)), leaves(std::move(in)) {
        torch::NoGradGuard noGrad;
        for (const auto& o : f(leaves)) upstream.push_back(torch::randn(o.sizes()).to(o.scalar_type()));
    }
    void step(bool train) {
        for (auto& x : leaves)
            if (x.requires_grad()) x.mutable_grad().reset();
        auto outs = f(leaves);
        if (train) torch::autograd::backward(outs, upstream);
    }
    void measure() {
        double t0 = now();
        {
            torch::NoGradGuard noGrad;
            step(false);
        }
        double t1 = now();
        step(true);
        double t2 = now();
        forward.push_back(t1 - t0);
        total.push_back(t2 - t1);
    }
    Timing result() const { return {median(forward), median(total)}; }
};

// Fused and reference alternate rep by rep, so that a busy machine slows both alike.
std::pair<Timing, Timing> measurePair(const Bench& b, torch::ScalarType dt, int reps) {
    torch::manual_seed(1);
    Runner fused(b.fused, b.inputs(dt));
    torch::manual_seed(1);
    Runner ref(b.reference, b.inputs(dt));
    for (int i = 0; i < 2; ++i) {   // warm-up: allocator, oneDNN primitives, thread pool
        fused.step(true);
        ref.step(true);
    }
    for (int i = 0; i < reps; ++i) {
        fused.measure();
        ref.measure();
    }
    return {fused.result(), ref.result()};
}

torch::Tensor rotateHalf(const torch::Tensor& x) {
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

std::pair<torch::Tensor, torch::Tensor> rotaryTables(torch::ScalarType dtype) {
    auto invFreq = 1.0 / torch::pow(10000.0, torch::arange(0, HD, 2).to(torch::kFloat32) / float(HD));
    auto freqs = torch::outer(torch::arange(0, T).to(torch::kFloat32), invFreq);
    auto emb = torch::cat({freqs, freqs}, -1);   // [T, hd]
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

std::vector<Bench> benches() {
    const int64_t G = H / KV;
    std::vector<Bench> list;
    list.push_back({"attention",
                    [=](torch::ScalarType dt) {
                        return std::vector<torch::Tensor>{torch::randn({B, KV, G * T, HD}).to(dt).requires_grad_(true),
                                                          torch::randn({B, KV, T, HD}).to(dt).requires_grad_(true),
                                                          torch::randn({B, KV, T, HD}).to(dt).requires_grad_(true)};
                    },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{causalAttention(in[0], in[1], in[2], 0, 0)}; },
                    [](const std::vector<torch::Tensor>& in) {
                        return std::vector<torch::Tensor>{causalAttentionReference(in[0], in[1], in[2], 0, 0)};
                    }});
    // Reference: torch::dropout with the global generator (what the adapters used before the hashed mask).
    list.push_back({"dropout p=0.05",
                    [=](torch::ScalarType dt) { return std::vector<torch::Tensor>{torch::randn({B, T, D}).to(dt).requires_grad_(true)}; },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{fastDropout(in[0], 0.05, 12345)}; },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{torch::dropout(in[0], 0.05, true)}; }});
    // Reference: the trainer's logits.to(fp32) + cross_entropy(sum).
    const auto labels = torch::randint(0, V, {B * T}, torch::kInt64);
    list.push_back({"cross-entropy",
                    [=](torch::ScalarType dt) { return std::vector<torch::Tensor>{(torch::randn({B * T, V}) * 2).to(dt).requires_grad_(true)}; },
                    [=](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{crossEntropySum(in[0], labels) / 2048.0}; },
                    [=](const std::vector<torch::Tensor>& in) {
                        return std::vector<torch::Tensor>{crossEntropySumReference(in[0], labels) / 2048.0};
                    }});
    // Frozen norm weight, as in LoRA/L1RA training.
    list.push_back({"rmsNorm",
                    [=](torch::ScalarType dt) {
                        return std::vector<torch::Tensor>{torch::randn({B, T, D}).to(dt).requires_grad_(true), torch::ones({D}).to(dt)};
                    },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{rmsNorm(in[0], in[1], 1e-5)}; },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{rmsNormReference(in[0], in[1], 1e-5)}; }});
    // Reference: LlamaModel::hidden's split, rotation in the model dtype and the GQA reshape of q.
    list.push_back({"rotary + split",
                    [=](torch::ScalarType dt) {
                        auto [c, s] = rotaryTables(dt);
                        return std::vector<torch::Tensor>{torch::randn({B, T, (H + 2 * KV) * HD}).to(dt).requires_grad_(true), c, s};
                    },
                    [=](const std::vector<torch::Tensor>& in) { return applyRotary(in[0], in[1], in[2], H, KV, HD); },
                    [=](const std::vector<torch::Tensor>& in) {
                        const auto& qkv = in[0];
                        auto q = qkv.narrow(-1, 0, H * HD).view({B, T, H, HD}).transpose(1, 2);
                        auto k = qkv.narrow(-1, H * HD, KV * HD).view({B, T, KV, HD}).transpose(1, 2);
                        auto v = qkv.narrow(-1, (H + KV) * HD, KV * HD).view({B, T, KV, HD}).transpose(1, 2);
                        q = q * in[1] + rotateHalf(q) * in[2];
                        k = k * in[1] + rotateHalf(k) * in[2];
                        return std::vector<torch::Tensor>{q.reshape({B, KV, G * T, HD}), k, v};
                    }});
    // The q|k|v group of an L1RA layer: frozen weight, three rank-8 adapters (fp32 parameters, gates), dropout
    // 0.1, stacked rank padded to 32. Reference: the same as separate LibTorch operations.
    LowRankGroup qkv;
    qkv.columnOffsets = {0, H * HD, (H + KV) * HD};
    qkv.scales = {2.0, 2.0, 2.0};
    qkv.gated = true;
    qkv.rankMultiple = 16;
    qkv.dropout = 0.1;
    qkv.seed = 7;
    auto projectionInputs = [=](torch::ScalarType dt) {
        std::vector<torch::Tensor> in{torch::randn({B, T, D}).to(dt).requires_grad_(true), torch::randn({(H + 2 * KV) * HD, D}).to(dt)};
        for (int i = 0; i < 3; ++i) in.push_back((torch::randn({8, D}) / 8).requires_grad_(true));
        for (int64_t out : {H * HD, KV * HD, KV * HD}) in.push_back((torch::randn({out, 8}) / 8).requires_grad_(true));
        for (int i = 0; i < 3; ++i) in.push_back(torch::rand({8}).requires_grad_(true));
        return in;
    };
    auto project = [=](auto fn) {
        return [=](const std::vector<torch::Tensor>& in) {
            return std::vector<torch::Tensor>{fn(in[0], denseWeight(in[1]), {in[2], in[3], in[4]}, {in[5], in[6], in[7]}, {in[8], in[9], in[10]}, qkv)};
        };
    };
    list.push_back({"projection qkv", projectionInputs, project(adaptedProjection), project(adaptedProjectionReference)});
    list.push_back({"swiglu",
                    [=](torch::ScalarType dt) { return std::vector<torch::Tensor>{torch::randn({B, T, 2 * F}).to(dt).requires_grad_(true)}; },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{swiglu(in[0])}; },
                    [](const std::vector<torch::Tensor>& in) { return std::vector<torch::Tensor>{swigluReference(in[0])}; }});
    return list;
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 15, threads = 0;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--reps") reps = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--threads") threads = std::atoi(argv[i + 1]);
        else if (a == "--only") only = argv[i + 1];
    }
    if (threads <= 0) {
        const char* env = std::getenv("L1RA_THREADS");
        threads = env ? std::atoi(env) : 0;
    }
    if (threads > 0) torch::set_num_threads(threads);
    // As in training (Trainer): one OpenBLAS thread, so that its spinning pool does not fight the OpenMP threads
    // of the kernels between the fp32 products.
    l1ra::setBlasThreads(1);
    std::printf("kernel_bench: B=%lld T=%lld dim=%lld heads=%lld/%lld hd=%lld FFN=%lld vocab=%lld, %d threads, median of %d\n",
                (long long)B, (long long)T, (long long)D, (long long)H, (long long)KV, (long long)HD, (long long)F, (long long)V,
                torch::get_num_threads(), reps);
    std::printf("%-16s %-5s | %10s %10s %7s | %10s %10s %7s\n", "kernel", "dtype", "fwd fused", "fwd ref", "speedup",
                "f+b fused", "f+b ref", "speedup");
    for (const Bench& b : benches()) {
        if (!only.empty() && b.name.find(only) == std::string::npos) continue;
        for (auto dt : {torch::kBFloat16, torch::kFloat32}) {
            const auto [fused, ref] = measurePair(b, dt, reps);
            std::printf("%-16s %-5s | %8.3fms %8.3fms %6.2fx | %8.3fms %8.3fms %6.2fx\n", b.name.c_str(),
                        dt == torch::kBFloat16 ? "bf16" : "f32", fused.forward * 1e3, ref.forward * 1e3, ref.forward / fused.forward,
                        fused.total * 1e3, ref.total * 1e3, ref.total / fused.total);
            std::fflush(stdout);
        }
    }
    return 0;
}
