#include "kernels/adamw.h"

#include "kernels/clones.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace l1ra::kernels {
namespace {

bool fusable(at::TensorList values, at::TensorList grads, at::TensorList expAvg, at::TensorList expAvgSq) {
    if (grads.size() != values.size() || expAvg.size() != values.size() || expAvgSq.size() != values.size()) return false;
    for (std::size_t i = 0; i < values.size(); ++i)
        for (const at::Tensor* t : {&values[i], &grads[i], &expAvg[i], &expAvgSq[i]})
            if (!t->device().is_cpu() || t->scalar_type() != at::kFloat || !t->is_contiguous() || t->numel() != values[i].numel())
                return false;
    return true;
}

// The elements [begin, end) of one tensor, in the reference's order of operations, each rounded to fp32 as
// the reference's separate operations round them.
L1RA_KERNEL_CLONES void updateRange(float* __restrict p, const float* __restrict g, float* __restrict m,
                                    float* __restrict v, int64_t begin, int64_t end, float decayFactor, float beta1,
                                    float oneMinusBeta1, float beta2, float oneMinusBeta2, float bias2, float eps,
                                    float stepSize) {
    for (int64_t j = begin; j < end; ++j) {
        const float value = p[j] * decayFactor;
        const float mj = m[j] * beta1 + g[j] * oneMinusBeta1;
        const float vj = v[j] * beta2 + g[j] * g[j] * oneMinusBeta2;
        const float denom = std::sqrt(vj / bias2) + eps;
        m[j] = mj;
        v[j] = vj;
        p[j] = value + stepSize * (mj / denom);
    }
}

}  // namespace

void adamWReference(at::TensorList values, at::TensorList grads, at::TensorList expAvg, at::TensorList expAvgSq,
                    const AdamWStep& s) {
    if (s.weightDecay != 0) at::_foreach_mul_(values, 1.0 - s.lr * s.weightDecay);
    at::_foreach_mul_(expAvg, s.beta1);
    at::_foreach_add_(expAvg, grads, 1.0 - s.beta1);
    at::_foreach_mul_(expAvgSq, s.beta2);
    at::_foreach_addcmul_(expAvgSq, grads, grads, 1.0 - s.beta2);
    auto denom = at::_foreach_div(expAvgSq, s.bias2);
    at::_foreach_sqrt_(denom);
    at::_foreach_add_(denom, s.eps);
    at::_foreach_addcdiv_(values, expAvg, denom, -s.lr / s.bias1);
}

void adamW(at::TensorList values, at::TensorList grads, at::TensorList expAvg, at::TensorList expAvgSq,
           const AdamWStep& s) {
    if (!fusable(values, grads, expAvg, expAvgSq)) return adamWReference(values, grads, expAvg, expAvgSq, s);
    RECORD_USER_SCOPE("l1ra::adamw");
    // All tensors as one index space, split into chunks across threads.
    std::vector<int64_t> starts{0};
    for (const auto& t : values) starts.push_back(starts.back() + t.numel());
    const float decayFactor = float(1.0 - s.lr * s.weightDecay), stepSize = float(-s.lr / s.bias1);
    at::parallel_for(0, starts.back(), 16384, [&](int64_t begin, int64_t end) {
        auto i = std::size_t(std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin() - 1);
        for (int64_t at = begin; at < end; ++i) {
            const int64_t stop = std::min(end, starts[i + 1]), offset = starts[i];
            if (stop > at)
                updateRange(values[i].data_ptr<float>(), grads[i].data_ptr<float>(), expAvg[i].data_ptr<float>(),
                            expAvgSq[i].data_ptr<float>(), at - offset, stop - offset, decayFactor, float(s.beta1),
                            float(1.0 - s.beta1), float(s.beta2), float(1.0 - s.beta2), float(s.bias2), float(s.eps),
                            stepSize);
            at = std::max(at, stop);
        }
    });
    // Written through raw pointers: tell autograd the tensors changed, as in-place operations would.
    for (std::size_t i = 0; i < values.size(); ++i)
        for (const at::Tensor* t : {&values[i], &expAvg[i], &expAvgSq[i]}) t->unsafeGetTensorImpl()->bump_version();
}

}  // namespace l1ra::kernels
