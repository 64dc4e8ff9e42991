#include "kernels/rms_norm.h"

#include "kernels/clones.h"
#include "kernels/row_reduce.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <vector>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using c10::BFloat16;

constexpr int64_t kRowsPerBlock = 32;   // weight-gradient partial sums: fixed blocks, so a fixed summation order

// Result storage type: the inputs' type when they agree, else fp32 (bf16 with fp32 promotes to fp32).
template <typename TX, typename TW> struct OutType { using type = float; };
template <typename T> struct OutType<T, T> { using type = T; };

template <typename TX, typename TW>
L1RA_KERNEL_CLONES void rmsNormRows(const TX* x, const TW* w, typename OutType<TX, TW>::type* y, acc_t<TX>* rinv,
                                    int64_t D, acc_t<TX> eps, int64_t begin, int64_t end) {
    using A = acc_t<TX>;
    std::vector<A> buffer(std::size_t(2 * D));
    A* __restrict xf = buffer.data();    // the row, widened
    A* __restrict sq = xf + D;           // its squares
    for (int64_t row = begin; row < end; ++row) {
        const TX* __restrict xr = x + row * D;
        typename OutType<TX, TW>::type* __restrict yr = y + row * D;
        for (int64_t j = 0; j < D; ++j) {
            xf[j] = load(xr[j]);
            sq[j] = xf[j] * xf[j];
        }
        const A r = A(1) / std::sqrt(laneSum(sq, D) * (A(1) / A(D)) + eps);
        rinv[row] = r;
        for (int64_t j = 0; j < D; ++j) store(yr + j, A(load(w[j])) * roundTo<TX>(xf[j] * r));
    }
}

// dx = r (g − n · mean(g ⊙ n)) with g = dy ⊙ w, n = x r; dwPartial[j] += Σ_rows dy · n rounded to x's dtype.
template <typename TX, typename TW>
L1RA_KERNEL_CLONES void rmsNormBackwardRows(const TX* x, const TW* w, const typename OutType<TX, TW>::type* dy,
                                            const acc_t<TX>* rinv, TX* dx, acc_t<TX>* dwPartial, int64_t D,
                                            int64_t begin, int64_t end) {
    using A = acc_t<TX>;
    std::vector<A> buffer(std::size_t(3 * D));
    A* __restrict g = buffer.data();   // dy ⊙ w
    A* __restrict n = g + D;           // x · r
    A* __restrict gn = n + D;          // g ⊙ n
    for (int64_t row = begin; row < end; ++row) {
        const TX* __restrict xr = x + row * D;
        const typename OutType<TX, TW>::type* __restrict gr = dy + row * D;
        const A r = rinv[row];
        if (dx) {
            for (int64_t j = 0; j < D; ++j) {
                g[j] = load(gr[j]) * A(load(w[j]));
                n[j] = load(xr[j]) * r;
                gn[j] = g[j] * n[j];
            }
            const A mean = laneSum(gn, D) * (A(1) / A(D));
            TX* __restrict dxr = dx + row * D;
            for (int64_t j = 0; j < D; ++j) store(dxr + j, r * (g[j] - n[j] * mean));
        }
        if (dwPartial) {
            A* __restrict dw = dwPartial;
            for (int64_t j = 0; j < D; ++j) dw[j] += load(gr[j]) * roundTo<TX>(load(xr[j]) * r);
        }
    }
}

template <typename TX, typename TW> void forwardTyped(const at::Tensor& x, const at::Tensor& w, at::Tensor& y,
                                                      at::Tensor& rinv, double eps) {
    using TO = typename OutType<TX, TW>::type;
    const int64_t D = x.size(-1), rows = x.numel() / std::max<int64_t>(1, D);
    const TX* xp = x.data_ptr<TX>();
    const TW* wp = w.data_ptr<TW>();
    TO* yp = y.data_ptr<TO>();
    acc_t<TX>* rp = rinv.data_ptr<acc_t<TX>>();
    at::parallel_for(0, rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, D)), [&](int64_t b, int64_t e) {
        rmsNormRows<TX, TW>(xp, wp, yp, rp, D, acc_t<TX>(eps), b, e);
    });
}

template <typename TX, typename TW> void backwardTyped(const at::Tensor& x, const at::Tensor& w, const at::Tensor& dy,
                                                       const at::Tensor& rinv, at::Tensor& dx, at::Tensor& dw) {
    using TO = typename OutType<TX, TW>::type;
    using A = acc_t<TX>;
    const int64_t D = x.size(-1), rows = x.numel() / std::max<int64_t>(1, D);
    const int64_t blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
    at::Tensor partial;
    if (dw.defined()) partial = at::zeros({blocks, D}, x.options().dtype(rinv.scalar_type()));   // [blocks, D]
    const TX* xp = x.data_ptr<TX>();
    const TW* wp = w.data_ptr<TW>();
    const TO* gp = dy.data_ptr<TO>();
    const A* rp = rinv.data_ptr<A>();
    TX* dxp = dx.defined() ? dx.data_ptr<TX>() : nullptr;
    A* pp = partial.defined() ? partial.data_ptr<A>() : nullptr;
    at::parallel_for(0, blocks, std::max<int64_t>(1, 256 / std::max<int64_t>(1, D)), [&](int64_t b, int64_t e) {
        for (int64_t blk = b; blk < e; ++blk)
            rmsNormBackwardRows<TX, TW>(xp, wp, gp, rp, dxp, pp ? pp + blk * D : nullptr, D, blk * kRowsPerBlock,
                                        std::min(rows, (blk + 1) * kRowsPerBlock));
    });
    if (dw.defined()) {
        std::vector<A> sum(std::size_t(D), A(0));
        for (int64_t blk = 0; blk < blocks; ++blk)
            for (int64_t j = 0; j < D; ++j) sum[std::size_t(j)] += pp[blk * D + j];
        TW* dwp = dw.data_ptr<TW>();
        for (int64_t j = 0; j < D; ++j) store(dwp + j, sum[std::size_t(j)]);
    }
}

// Calls f(TX{}, TW{}) with the storage types of the dtype pairs the fused kernel handles.
template <typename F> void dispatchPair(at::ScalarType xt, at::ScalarType wt, F&& f) {
    if (xt == at::kFloat && wt == at::kFloat) f(float{}, float{});
    else if (xt == at::kBFloat16 && wt == at::kBFloat16) f(BFloat16{}, BFloat16{});
    else if (xt == at::kBFloat16 && wt == at::kFloat) f(BFloat16{}, float{});
    else if (xt == at::kFloat && wt == at::kBFloat16) f(float{}, BFloat16{});
    else if (xt == at::kDouble && wt == at::kDouble) f(double{}, double{});
    else TORCH_CHECK(false, "rmsNorm: no fused kernel for x ", xt, " with weight ", wt);
}

bool fusedPair(at::ScalarType xt, at::ScalarType wt) {
    auto low = [](at::ScalarType t) { return t == at::kFloat || t == at::kBFloat16; };
    return (low(xt) && low(wt)) || (xt == at::kDouble && wt == at::kDouble);
}

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& xIn, const at::Tensor& wIn, double eps) {
        RECORD_USER_SCOPE("l1ra::rms_norm_forward");
        const auto x = xIn.contiguous(), w = wIn.contiguous();
        const int64_t rows = x.numel() / std::max<int64_t>(1, x.size(-1));
        auto y = at::empty(x.sizes(), x.options().dtype(at::promote_types(x.scalar_type(), w.scalar_type())));
        auto rinv = at::empty({rows}, x.options().dtype(x.scalar_type() == at::kDouble ? at::kDouble : at::kFloat));
        dispatchPair(x.scalar_type(), w.scalar_type(), [&](auto tx, auto tw) {
            forwardTyped<decltype(tx), decltype(tw)>(x, w, y, rinv, eps);
        });
        ctx->save_for_backward({x, w, rinv});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &x = saved[0], &w = saved[1], &rinv = saved[2];
        const auto dy = grads[0].to(at::promote_types(x.scalar_type(), w.scalar_type())).contiguous();
        at::Tensor dx, dw;
        if (ctx->needs_input_grad(0)) dx = at::empty_like(x);
        if (ctx->needs_input_grad(1)) dw = at::empty_like(w);
        if (!dx.defined() && !dw.defined()) return {dx, dw, at::Tensor()};
        dispatchPair(x.scalar_type(), w.scalar_type(), [&](auto tx, auto tw) {
            backwardTyped<decltype(tx), decltype(tw)>(x, w, dy, rinv, dx, dw);
        });
        return {dx, dw, at::Tensor()};
    }
};

}  // namespace

at::Tensor rmsNormReference(const at::Tensor& x, const at::Tensor& weight, double eps) {
    auto xf = x.to(at::kFloat);
    auto variance = xf.pow(2).mean(-1, /*keepdim=*/true);
    xf = xf * at::rsqrt(variance + eps);
    return weight * xf.to(x.scalar_type());
}

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps) {
    TORCH_CHECK(x.dim() >= 1 && weight.dim() == 1 && weight.size(0) == x.size(-1), "rmsNorm: weight ", weight.sizes(),
                " does not match x ", x.sizes());
    if (!x.device().is_cpu() || !weight.device().is_cpu() || !fusedPair(x.scalar_type(), weight.scalar_type()))
        return rmsNormReference(x, weight, eps);
    return RmsNormFunction::apply(x, weight, eps);
}

}  // namespace l1ra::kernels
