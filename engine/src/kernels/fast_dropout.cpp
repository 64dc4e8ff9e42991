#include "kernels/fast_dropout.h"

#include "kernels/clones.h"
#include "kernels/counter_hash.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <cstring>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Words below the threshold drop their element: P(drop) = threshold / 2^32.
uint32_t dropThreshold(double p) {
    const double t = std::round(p * 4294967296.0);
    return t >= 4294967295.0 ? 0xFFFFFFFFu : uint32_t(t);
}

// y[i] = x[i] · (keep(i) ? scale : 0), or y[i] += that with Accumulate, for the elements of word pairs
// [begin, end); pair m covers 2m and 2m+1.
template <bool Accumulate, typename T>
L1RA_KERNEL_CLONES void maskedScale(const T* __restrict x, T* __restrict y, int64_t numel, uint64_t key,
                                    uint32_t threshold, acc_t<T> scale, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    auto put = [&](int64_t i, A v) { store(y + i, Accumulate ? load(y[i]) + v : v); };
    const int64_t full = std::min(end, numel / 2);   // pairs with both elements present
    for (int64_t m = begin; m < full; ++m) {
        const uint64_t w = streamWord(key, uint64_t(m));
        const uint32_t lo = uint32_t(w), hi = uint32_t(w >> 32);
        put(2 * m, load(x[2 * m]) * (lo >= threshold ? scale : A(0)));
        put(2 * m + 1, load(x[2 * m + 1]) * (hi >= threshold ? scale : A(0)));
    }
    if (end > full && full == numel / 2 && (numel & 1)) {   // the odd last element uses the low half of its pair
        const uint64_t w = streamWord(key, uint64_t(full));
        put(numel - 1, load(x[numel - 1]) * (uint32_t(w) >= threshold ? scale : A(0)));
    }
}

// y = mask(x), or y += mask(x) with Accumulate; x and y contiguous, same dtype and element count.
template <bool Accumulate>
void maskInto(const at::Tensor& x, const at::Tensor& y, double p, uint64_t seed) {
    const int64_t numel = x.numel(), pairs = (numel + 1) / 2;
    const uint64_t key = mix64(seed);
    const uint32_t threshold = dropThreshold(p);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, x.scalar_type(), "l1ra_fast_dropout", [&] {
        const scalar_t* xp = x.data_ptr<scalar_t>();
        scalar_t* yp = y.data_ptr<scalar_t>();
        // 1/(1-p) rounded to x's dtype first, as torch.dropout's noise tensor and the composite path have it.
        const auto scale = roundTo<scalar_t>(acc_t<scalar_t>(1.0 / (1.0 - p)));
        at::parallel_for(0, pairs, 4096, [&](int64_t b, int64_t e) {
            maskedScale<Accumulate, scalar_t>(xp, yp, numel, key, threshold, scale, b, e);
        });
    });
}

at::Tensor applyMask(const at::Tensor& x, double p, uint64_t seed) {   // x contiguous, any shape
    auto y = at::empty_like(x, at::MemoryFormat::Contiguous);
    maskInto<false>(x, y, p, seed);
    return y;
}

class FastDropoutFunction : public torch::autograd::Function<FastDropoutFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, double p, int64_t seedBits) {
        RECORD_USER_SCOPE("l1ra::dropout_forward");
        ctx->saved_data["p"] = p;
        ctx->saved_data["seed"] = seedBits;
        return applyMask(x.contiguous(), p, uint64_t(seedBits));
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const double p = ctx->saved_data["p"].toDouble();
        const auto seed = uint64_t(ctx->saved_data["seed"].toInt());
        return {applyMask(grads[0].contiguous(), p, seed), at::Tensor(), at::Tensor()};
    }
};

// Logical right shift of int64 words (tensor >> is arithmetic).
at::Tensor shiftRight(const at::Tensor& z, int s) {
    return at::bitwise_and(at::bitwise_right_shift(z, s), int64_t((uint64_t(1) << (64 - s)) - 1));
}

}  // namespace

at::Tensor dropoutKeepMask(int64_t numel, double p, uint64_t seed, const at::Device& device) {
    // The same splitmix64 words as the fused kernel; int64 arithmetic wraps like uint64.
    const int64_t pairs = (numel + 1) / 2;
    auto z = at::arange(1, pairs + 1, at::TensorOptions().dtype(at::kLong).device(device));   // [pairs] m + 1
    z = z * int64_t(kGoldenGamma) + int64_t(mix64(seed));
    z = at::bitwise_xor(z, shiftRight(z, 30)) * int64_t(kMixMul1);
    z = at::bitwise_xor(z, shiftRight(z, 27)) * int64_t(kMixMul2);
    z = at::bitwise_xor(z, shiftRight(z, 31));
    auto words = at::stack({at::bitwise_and(z, int64_t(0xFFFFFFFF)), shiftRight(z, 32)}, 1).view({-1});   // [2·pairs]
    return words.narrow(0, 0, numel) >= int64_t(dropThreshold(p));
}

at::Tensor fastDropoutReference(const at::Tensor& x, double p, uint64_t seed) {
    TORCH_CHECK(p >= 0.0 && p <= 1.0, "fastDropout: p = ", p, " is not in [0, 1]");
    if (p == 0.0) return x;
    if (p == 1.0) return x * 0;
    auto mask = dropoutKeepMask(x.numel(), p, seed, x.device()).view(x.sizes()).to(x.scalar_type());
    return x * mask * (1.0 / (1.0 - p));
}

namespace {

// A copy of a generator that is freed again. LibTorch 1.13's GeneratorImpl::clone() hands back its copy with a weak
// count of 0 where every strongly held object has 1, so the copy is never deleted: one leak per dropout call
// (found by LeakSanitizer). Only where the count is missing, so a LibTorch without the defect is left alone.
at::Generator cloneGenerator(const at::Generator& original) {
    c10::intrusive_ptr<c10::GeneratorImpl> copy = original.unsafeGetGeneratorImpl()->clone();
    if (copy.weak_use_count() == 0) c10::raw::weak_intrusive_ptr::incref(copy.get());
    return at::Generator(std::move(copy));
}

}  // namespace

at::Tensor seededBernoulliDropout(const at::Tensor& x, double p, uint64_t seed) {
    TORCH_CHECK(p >= 0.0 && p < 1.0, "seededBernoulliDropout: p = ", p, " is not in [0, 1)");
    at::Generator generator = cloneGenerator(at::globalContext().defaultGenerator(x.device()));
    generator.set_current_seed(seed);
    auto mask = at::empty_like(x, at::MemoryFormat::Contiguous).bernoulli_(1.0 - p, generator);
    return x * mask * (1.0 / (1.0 - p));
}

at::Tensor fastDropout(const at::Tensor& x, double p, uint64_t seed) {
    TORCH_CHECK(p >= 0.0 && p <= 1.0, "fastDropout: p = ", p, " is not in [0, 1]");
    if (p == 0.0) return x;
    if (p < 1.0 && x.is_cuda()) return seededBernoulliDropout(x, p, seed);
    if (p == 1.0 || !onFusedPath(x)) return fastDropoutReference(x, p, seed);
    return FastDropoutFunction::apply(x, p, int64_t(seed));
}

void addDropped(const at::Tensor& y, const at::Tensor& x, double p, uint64_t seed) {
    TORCH_CHECK(p >= 0.0 && p <= 1.0, "addDropped: p = ", p, " is not in [0, 1]");
    TORCH_CHECK(y.sizes() == x.sizes() && y.scalar_type() == x.scalar_type() && y.device() == x.device(),
                "addDropped: y ", y.sizes(), " ", y.scalar_type(), " and x ", x.sizes(), " ", x.scalar_type(), " differ");
    at::NoGradGuard noGrad;
    if (p == 1.0) return;
    if (p == 0.0) {
        y.add_(x);
    } else if (onFusedPath(y) && y.is_contiguous()) {
        maskInto<true>(x.contiguous(), y, p, seed);
    } else {
        y.add_(fastDropout(x, p, seed));   // the device's own mask (CUDA) or the composite one
    }
}

uint64_t dropoutSeed(uint64_t runSeed, int64_t step, int64_t layer, int64_t group) {
    // Each field goes through the finaliser before the next is added: no two tuples share a seed by arithmetic.
    uint64_t h = mix64(runSeed ^ 0x6C31726164726F70ULL);
    h = mix64(h + uint64_t(step) * kGoldenGamma);
    h = mix64(h + uint64_t(layer) * kGoldenGamma);
    return mix64(h + uint64_t(group) * kGoldenGamma);
}

}  // namespace l1ra::kernels
