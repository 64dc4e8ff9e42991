#include "kernels/causal_attention.h"

#include "kernels/clones.h"
#include "kernels/row_reduce.h"
#include "kernels/scalar_access.h"
#include "kernels/vector_math.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/version.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <limits>
#include <vector>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Which keys a score row sees. Rows run over [B·KV, G·T]; row r of a block is position start + r % T.
struct VisibleKeys {
    int64_t GT, T, start, window;
    int64_t last(int64_t row) const { return start + (row % GT) % T; }
    int64_t first(int64_t last) const { return window > 0 ? std::max<int64_t>(0, last - window + 1) : 0; }
};

// Each row is processed over its visible keys rounded up to a multiple of kPad (where the row has room): the
// extra entries are -inf in the forward and 0 in the backward, so they add nothing, and the loops run in whole
// vectors instead of finishing every row with a scalar tail (rows are short: half of them under S / 2).
constexpr int64_t kPad = 16;

int64_t paddedLength(int64_t n, int64_t room) { return std::min(room, (n + kPad - 1) / kPad * kPad); }

// scores [rows, S] in place: raw q·k -> probabilities of the visible keys, zeros elsewhere.
template <typename T>
L1RA_KERNEL_CLONES void softmaxForwardRows(T* scores, int64_t S, VisibleKeys keys, acc_t<T> scale, int64_t begin,
                                           int64_t end) {
    using A = acc_t<T>;
    std::vector<A> buffer(std::size_t(S), A(0));   // the row widened and scaled, then its exponentials
    A* __restrict e = buffer.data();
    const A minusInf = -std::numeric_limits<A>::infinity();
    for (int64_t row = begin; row < end; ++row) {
        T* s = scores + row * S;
        const int64_t last = keys.last(row), lo = keys.first(last), n = last + 1 - lo, np = paddedLength(n, S - lo);
        T* __restrict x = s + lo;
        for (int64_t j = 0; j < np; ++j) e[j] = j < n ? load(x[j]) * scale : minusInf;   // scaled first, as the reference does
        const A m = laneMax(e, np);
        for (int64_t j = 0; j < np; ++j) e[j] = expApprox(e[j] - m);
        const A inv = A(1) / laneSum(e, np);
        for (int64_t j = 0; j < np; ++j) store(x + j, e[j] * inv);
        std::memset(static_cast<void*>(s), 0, std::size_t(lo) * sizeof(T));
        std::memset(static_cast<void*>(s + lo + np), 0, std::size_t(S - lo - np) * sizeof(T));
    }
}

// grad [rows, S] in place: dP -> dS = P ⊙ (dP − Σ dP ⊙ P) · scale over the visible keys, zeros elsewhere. The
// padding entries hold P = 0 (the forward wrote them), so they contribute nothing and come out 0.
template <typename T>
L1RA_KERNEL_CLONES void softmaxBackwardRows(const T* probs, T* grad, int64_t S, VisibleKeys keys, acc_t<T> scale,
                                            int64_t begin, int64_t end) {
    using A = acc_t<T>;
    std::vector<A> buffer(std::size_t(2 * S), A(0));
    A* __restrict pf = buffer.data();       // P, widened
    A* __restrict prod = pf + S;            // dP ⊙ P
    for (int64_t row = begin; row < end; ++row) {
        const int64_t last = keys.last(row), lo = keys.first(last), n = last + 1 - lo, np = paddedLength(n, S - lo);
        const T* __restrict p = probs + row * S + lo;
        T* g = grad + row * S;
        T* __restrict gv = g + lo;
        for (int64_t j = 0; j < np; ++j) {
            pf[j] = load(p[j]);
            prod[j] = load(gv[j]) * pf[j];
        }
        const A dot = laneSum(prod, np);
        for (int64_t j = 0; j < np; ++j) store(gv + j, pf[j] * (load(gv[j]) - dot) * scale);
        std::memset(static_cast<void*>(g), 0, std::size_t(lo) * sizeof(T));
        std::memset(static_cast<void*>(g + lo + np), 0, std::size_t(S - lo - np) * sizeof(T));
    }
}

int64_t rowGrain(int64_t S) { return std::max<int64_t>(1, 8192 / std::max<int64_t>(1, S)); }

void softmaxForward(at::Tensor& scores, VisibleKeys keys, double scale) {   // [B·KV, G·T, S]
    RECORD_USER_SCOPE("l1ra::softmax_fwd");
    const int64_t rows = scores.size(0) * scores.size(1), S = scores.size(2);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, scores.scalar_type(), "l1ra_attention_softmax", [&] {
        scalar_t* base = scores.data_ptr<scalar_t>();
        at::parallel_for(0, rows, rowGrain(S), [&](int64_t b, int64_t e) {
            softmaxForwardRows<scalar_t>(base, S, keys, acc_t<scalar_t>(scale), b, e);
        });
    });
}

void softmaxBackward(const at::Tensor& probs, at::Tensor& grad, VisibleKeys keys, double scale) {   // [B·KV, G·T, S]
    RECORD_USER_SCOPE("l1ra::softmax_bwd");
    const int64_t rows = grad.size(0) * grad.size(1), S = grad.size(2);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, grad.scalar_type(), "l1ra_attention_softmax_backward", [&] {
        const scalar_t* p = probs.data_ptr<scalar_t>();
        scalar_t* g = grad.data_ptr<scalar_t>();
        at::parallel_for(0, rows, rowGrain(S), [&](int64_t b, int64_t e) {
            softmaxBackwardRows<scalar_t>(p, g, S, keys, acc_t<scalar_t>(scale), b, e);
        });
    });
}

class CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                              int64_t start, int64_t window) {
        RECORD_USER_SCOPE("l1ra::attention_forward");
        // The products run in the inputs' dtype even inside an autocast region (bmm would be cast otherwise).
        c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
        const int64_t B = q.size(0), KV = q.size(1), GT = q.size(2), hd = q.size(3), S = k.size(2);
        const VisibleKeys keys{GT, S - start, start, window};
        auto q3 = q.reshape({B * KV, GT, hd});
        auto k3 = k.reshape({B * KV, S, hd});
        auto v3 = v.reshape({B * KV, S, hd});
        auto probs = at::bmm(q3, k3.transpose(1, 2)).contiguous();   // [B·KV, G·T, S] scores, then probabilities
        softmaxForward(probs, keys, 1.0 / std::sqrt(double(hd)));
        auto out = at::bmm(probs, v3);   // [B·KV, G·T, hd]
        ctx->save_for_backward({q3, k3, v3, probs});
        ctx->saved_data["start"] = start;
        ctx->saved_data["window"] = window;
        ctx->saved_data["B"] = B;
        return out.view({B, KV, GT, hd});
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &q3 = saved[0], &k3 = saved[1], &v3 = saved[2], &probs = saved[3];
        const int64_t B = ctx->saved_data["B"].toInt(), start = ctx->saved_data["start"].toInt();
        const int64_t BK = q3.size(0), GT = q3.size(1), hd = q3.size(2), S = k3.size(1);
        const VisibleKeys keys{GT, S - start, start, ctx->saved_data["window"].toInt()};
        const auto dO = grads[0].to(q3.scalar_type()).reshape({BK, GT, hd});
        at::Tensor dq, dk, dv;
        if (ctx->needs_input_grad(2)) dv = at::bmm(probs.transpose(1, 2), dO).view({B, BK / B, S, hd});   // Pᵀ dO
        if (ctx->needs_input_grad(0) || ctx->needs_input_grad(1)) {
            auto dS = at::bmm(dO, v3.transpose(1, 2)).contiguous();   // dP = dO Vᵀ [B·KV, G·T, S], then dS in place
            softmaxBackward(probs, dS, keys, 1.0 / std::sqrt(double(hd)));
            if (ctx->needs_input_grad(0)) dq = at::bmm(dS, k3).view({B, BK / B, GT, hd});
            if (ctx->needs_input_grad(1)) dk = at::bmm(dS.transpose(1, 2), q3).view({B, BK / B, S, hd});
        }
        return {dq, dk, dv, at::Tensor(), at::Tensor()};
    }
};

void checkShapes(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t start, int64_t window) {
    TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, "causalAttention: q, k, v must be 4-d, got ", q.sizes(),
                ", ", k.sizes(), ", ", v.sizes());
    TORCH_CHECK(k.sizes() == v.sizes(), "causalAttention: k ", k.sizes(), " and v ", v.sizes(), " differ");
    TORCH_CHECK(q.size(0) == k.size(0) && q.size(1) == k.size(1) && q.size(3) == k.size(3),
                "causalAttention: q ", q.sizes(), " does not match k ", k.sizes());
    TORCH_CHECK(start >= 0 && k.size(2) > start, "causalAttention: start ", start, " leaves no new keys in S = ",
                k.size(2));
    TORCH_CHECK(q.size(2) % (k.size(2) - start) == 0, "causalAttention: G·T = ", q.size(2),
                " is not a multiple of T = ", k.size(2) - start);
    TORCH_CHECK(window >= 0, "causalAttention: negative sliding window");
}

#if TORCH_VERSION_MAJOR >= 2
// L1RA_CUDA_ATTENTION=reference keeps CUDA on the plain torch attention, to tell the two apart in a check.
bool cudaAttentionForcedToReference() {
    static const bool forced = [] {
        const char* v = std::getenv("L1RA_CUDA_ATTENTION");
        return v && std::string(v) == "reference";
    }();
    return forced;
}
#endif

}  // namespace

at::Tensor causalAttentionReference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t start,
                                    int64_t slidingWindow) {
    checkShapes(q, k, v, start, slidingWindow);
    const int64_t GT = q.size(2), S = k.size(2), T = S - start;
    auto opts = at::TensorOptions().dtype(at::kLong).device(q.device());
    auto qpos = (at::arange(GT, opts).remainder(T) + start).unsqueeze(1);   // [G·T, 1]
    auto kpos = at::arange(S, opts).unsqueeze(0);                           // [1, S]
    auto masked = kpos > qpos;                                              // [G·T, S] true = hidden
    if (slidingWindow > 0) masked = masked.logical_or(kpos <= qpos - slidingWindow);
    auto scores = at::matmul(q, k.transpose(-1, -2)) * (1.0 / std::sqrt(double(q.size(3))));   // [B, KV, G·T, S]
    scores = scores.masked_fill(masked, -std::numeric_limits<double>::infinity());
    auto probs = at::softmax(scores, -1, at::promote_types(q.scalar_type(), at::kFloat)).to(q.scalar_type());
    return at::matmul(probs, v);   // [B, KV, G·T, hd]
}

at::Tensor causalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t start,
                           int64_t slidingWindow) {
    checkShapes(q, k, v, start, slidingWindow);
    const auto dtype = at::promote_types(q.scalar_type(), at::promote_types(k.scalar_type(), v.scalar_type()));
    const at::Tensor qc = q.to(dtype), kc = k.to(dtype), vc = v.to(dtype);
#if TORCH_VERSION_MAJOR >= 2
    // On CUDA, a full causal pass (training, evaluation, a prompt's first pass) runs LibTorch 2.x's fused
    // attention (flash / memory-efficient). The grouped layout [B, KV, G·T, hd] is [B, H, T, hd] with query head
    // h = kv·G + g (HF's order); each K/V head is repeated for its G query heads. Cached steps stay on the plain
    // path: one new row is cheap there.
    if (qc.is_cuda() && start == 0 && slidingWindow == 0 && !cudaAttentionForcedToReference()) {
        const int64_t B = q.size(0), KV = q.size(1), T = k.size(2), G = q.size(2) / T, hd = q.size(3);
        auto perHead = [&](const at::Tensor& t) {
            return t.unsqueeze(2).expand({B, KV, G, T, hd}).reshape({B, KV * G, T, hd});
        };
        auto out = at::scaled_dot_product_attention(qc.reshape({B, KV * G, T, hd}), perHead(kc), perHead(vc), {}, 0.0,
                                                    /*is_causal=*/true);
        return out.reshape({B, KV, G * T, hd});
    }
#endif
    if (!onFusedPath(qc) || !k.device().is_cpu() || !v.device().is_cpu())
        return causalAttentionReference(qc, kc, vc, start, slidingWindow);
    return CausalAttentionFunction::apply(qc, kc, vc, start, slidingWindow);
}

}  // namespace l1ra::kernels
