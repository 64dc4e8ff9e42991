#include "kernels/rotary.h"

#include "kernels/clones.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cstring>
#include <vector>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RotaryShape {
    int64_t B, T, H, KV, hd;
    int64_t G() const { return H / KV; }
    int64_t width() const { return (H + 2 * KV) * hd; }
    // Offsets of row (b, t) of head h (q), kv (k or v) in the outputs.
    int64_t qOffset(int64_t b, int64_t t, int64_t h) const {
        return ((b * KV + h / G()) * G() * T + (h % G()) * T + t) * hd;
    }
    int64_t kvOffset(int64_t b, int64_t t, int64_t kv) const { return ((b * KV + kv) * T + t) * hd; }
};

// out = x ⊙ c + rotate_half(x) ⊙ s for one head vector (fp32 or double).
template <typename A>
inline void rotate(const A* __restrict x, A* __restrict out, const A* __restrict c, const A* __restrict s,
                   int64_t half) {
    for (int64_t i = 0; i < half; ++i) {
        out[i] = x[i] * c[i] + -x[i + half] * s[i];
        out[i + half] = x[i + half] * c[i + half] + x[i] * s[i + half];
    }
}

// The transpose: dx = d ⊙ c + rotate_halfᵀ(d ⊙ s), rotate_halfᵀ(z) = [z₂, −z₁].
template <typename A>
inline void unrotate(const A* __restrict d, A* __restrict dx, const A* __restrict c, const A* __restrict s,
                     int64_t half) {
    for (int64_t i = 0; i < half; ++i) {
        dx[i] = d[i] * c[i] + d[i + half] * s[i + half];
        dx[i + half] = d[i + half] * c[i + half] - d[i] * s[i];
    }
}

// The rows go through fp32 scratch: a head is short (hd/2 = 16 at the standard shape) and a loop that mixes bf16
// and fp32 gets a vector width of 32 elements under AVX-512, so it would stay scalar. Widening the whole row
// (one long loop), rotating in fp32 and narrowing head by head keeps every loop vectorised.
template <typename T>
L1RA_KERNEL_CLONES void rotaryForwardRows(const T* qkv, const acc_t<T>* cos, const acc_t<T>* sin, T* q, T* k, T* v,
                                          RotaryShape sh, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    const int64_t hd = sh.hd, half = hd / 2, rotated = (sh.H + sh.KV) * hd;
    std::vector<A> buffer(std::size_t(2 * rotated));
    A* __restrict xf = buffer.data();    // q and k heads of the row, widened
    A* __restrict rf = xf + rotated;     // rotated
    for (int64_t row = begin; row < end; ++row) {   // row = b·T + t
        const int64_t b = row / sh.T, t = row % sh.T;
        const T* __restrict src = qkv + row * sh.width();
        for (int64_t j = 0; j < rotated; ++j) xf[j] = load(src[j]);
        for (int64_t h = 0; h < sh.H + sh.KV; ++h) rotate(xf + h * hd, rf + h * hd, cos + t * hd, sin + t * hd, half);
        for (int64_t h = 0; h < sh.H; ++h) {
            T* __restrict dst = q + sh.qOffset(b, t, h);
            const A* __restrict r = rf + h * hd;
            for (int64_t i = 0; i < hd; ++i) store(dst + i, r[i]);
        }
        for (int64_t kv = 0; kv < sh.KV; ++kv) {
            T* __restrict dst = k + sh.kvOffset(b, t, kv);
            const A* __restrict r = rf + (sh.H + kv) * hd;
            for (int64_t i = 0; i < hd; ++i) store(dst + i, r[i]);
            std::memcpy(static_cast<void*>(v + sh.kvOffset(b, t, kv)), src + (sh.H + sh.KV + kv) * hd,
                        std::size_t(hd) * sizeof(T));
        }
    }
}

// Missing gradients (an output that was not used) count as zeros.
template <typename T>
L1RA_KERNEL_CLONES void rotaryBackwardRows(const T* dq, const T* dk, const T* dv, const acc_t<T>* cos,
                                           const acc_t<T>* sin, T* dqkv, RotaryShape sh, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    const int64_t hd = sh.hd, half = hd / 2, rotated = (sh.H + sh.KV) * hd;
    std::vector<A> buffer(std::size_t(2 * rotated), A(0));
    A* __restrict df = buffer.data();    // gradients of the rotated q and k heads, widened
    A* __restrict rf = df + rotated;     // rotated back
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / sh.T, t = row % sh.T;
        T* __restrict dst = dqkv + row * sh.width();
        for (int64_t h = 0; h < sh.H + sh.KV; ++h) {
            const T* g = h < sh.H ? (dq ? dq + sh.qOffset(b, t, h) : nullptr)
                                  : (dk ? dk + sh.kvOffset(b, t, h - sh.H) : nullptr);
            A* __restrict d = df + h * hd;
            if (g)
                for (int64_t i = 0; i < hd; ++i) d[i] = load(g[i]);
            else
                for (int64_t i = 0; i < hd; ++i) d[i] = A(0);
        }
        for (int64_t h = 0; h < sh.H + sh.KV; ++h) unrotate(df + h * hd, rf + h * hd, cos + t * hd, sin + t * hd, half);
        for (int64_t j = 0; j < rotated; ++j) store(dst + j, rf[j]);
        for (int64_t kv = 0; kv < sh.KV; ++kv) {
            void* dvd = dst + (sh.H + sh.KV + kv) * hd;
            if (dv) std::memcpy(dvd, dv + sh.kvOffset(b, t, kv), std::size_t(hd) * sizeof(T));
            else std::memset(dvd, 0, std::size_t(hd) * sizeof(T));
        }
    }
}

int64_t rowGrain(const RotaryShape& sh) { return std::max<int64_t>(1, 16384 / sh.width()); }

class RotaryFunction : public torch::autograd::Function<RotaryFunction> {
public:
    static variable_list forward(AutogradContext* ctx, const at::Tensor& qkvIn, const at::Tensor& cosIn,
                                 const at::Tensor& sinIn, int64_t H, int64_t KV, int64_t hd) {
        RECORD_USER_SCOPE("l1ra::rotary_forward");
        const auto qkv = qkvIn.contiguous();   // [B, T, (H+2KV)·hd]
        const RotaryShape sh{qkv.size(0), qkv.size(1), H, KV, hd};
        const auto acc = qkv.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
        const auto cos = cosIn.to(acc).contiguous(), sin = sinIn.to(acc).contiguous();   // [T, hd]
        auto q = at::empty({sh.B, KV, sh.G() * sh.T, hd}, qkv.options());
        auto k = at::empty({sh.B, KV, sh.T, hd}, qkv.options());
        auto v = at::empty({sh.B, KV, sh.T, hd}, qkv.options());
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, qkv.scalar_type(), "l1ra_rotary", [&] {
            using A = acc_t<scalar_t>;
            const scalar_t* src = qkv.data_ptr<scalar_t>();
            const A* c = cos.data_ptr<A>();
            const A* s = sin.data_ptr<A>();
            scalar_t *qp = q.data_ptr<scalar_t>(), *kp = k.data_ptr<scalar_t>(), *vp = v.data_ptr<scalar_t>();
            at::parallel_for(0, sh.B * sh.T, rowGrain(sh), [&](int64_t b, int64_t e) {
                rotaryForwardRows<scalar_t>(src, c, s, qp, kp, vp, sh, b, e);
            });
        });
        ctx->save_for_backward({cos, sin});
        ctx->saved_data["B"] = sh.B;
        ctx->saved_data["H"] = H;
        ctx->saved_data["KV"] = KV;
        ctx->saved_data["hd"] = hd;
        ctx->saved_data["dtype"] = int64_t(qkv.scalar_type());
        ctx->set_materialize_grads(false);
        return {q, k, v};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &cos = saved[0], &sin = saved[1];
        const RotaryShape sh{ctx->saved_data["B"].toInt(), cos.size(0), ctx->saved_data["H"].toInt(),
                             ctx->saved_data["KV"].toInt(), ctx->saved_data["hd"].toInt()};
        const auto dtype = at::ScalarType(ctx->saved_data["dtype"].toInt());
        auto prepare = [&](const at::Tensor& g) { return g.defined() ? g.to(dtype).contiguous() : g; };
        const at::Tensor dq = prepare(grads[0]), dk = prepare(grads[1]), dv = prepare(grads[2]);
        auto dqkv = at::empty({sh.B, sh.T, sh.width()}, cos.options().dtype(dtype));   // [B, T, (H+2KV)·hd]
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, dtype, "l1ra_rotary_backward", [&] {
            using A = acc_t<scalar_t>;
            auto ptr = [](const at::Tensor& g) { return g.defined() ? g.data_ptr<scalar_t>() : nullptr; };
            const scalar_t *dqp = ptr(dq), *dkp = ptr(dk), *dvp = ptr(dv);
            const A* c = cos.data_ptr<A>();
            const A* s = sin.data_ptr<A>();
            scalar_t* out = dqkv.data_ptr<scalar_t>();
            at::parallel_for(0, sh.B * sh.T, rowGrain(sh), [&](int64_t b, int64_t e) {
                rotaryBackwardRows<scalar_t>(dqp, dkp, dvp, c, s, out, sh, b, e);
            });
        });
        return {dqkv, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

void checkInputs(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, int64_t H, int64_t KV,
                 int64_t hd) {
    TORCH_CHECK(H > 0 && KV > 0 && H % KV == 0, "applyRotary: ", H, " heads are not a multiple of ", KV, " KV heads");
    TORCH_CHECK(hd > 0 && hd % 2 == 0, "applyRotary: head dim ", hd, " is not even");
    TORCH_CHECK(qkv.dim() == 3 && qkv.size(2) == (H + 2 * KV) * hd, "applyRotary: qkv ", qkv.sizes(),
                " is not [B, T, (H + 2 KV)·hd] for H = ", H, ", KV = ", KV, ", hd = ", hd);
    const int64_t T = qkv.size(1);
    TORCH_CHECK(cos.numel() == T * hd && sin.numel() == T * hd && cos.size(-1) == hd && sin.size(-1) == hd,
                "applyRotary: cos ", cos.sizes(), " / sin ", sin.sizes(), " are not [T, hd] = [", T, ", ", hd, "]");
}

at::Tensor rotateHalf(const at::Tensor& x) {
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

}  // namespace

std::vector<at::Tensor> applyRotaryReference(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                                             int64_t H, int64_t KV, int64_t hd) {
    checkInputs(qkv, cos, sin, H, KV, hd);
    const int64_t B = qkv.size(0), T = qkv.size(1);
    const auto acc = at::promote_types(qkv.scalar_type(), at::kFloat);
    const auto c = cos.reshape({T, hd}).to(acc), s = sin.reshape({T, hd}).to(acc);
    auto rot = [&](const at::Tensor& x) { return (x.to(acc) * c + rotateHalf(x.to(acc)) * s).to(qkv.scalar_type()); };
    auto q = qkv.narrow(-1, 0, H * hd).view({B, T, H, hd}).transpose(1, 2);            // [B, H, T, hd]
    auto k = qkv.narrow(-1, H * hd, KV * hd).view({B, T, KV, hd}).transpose(1, 2);     // [B, KV, T, hd]
    auto v = qkv.narrow(-1, (H + KV) * hd, KV * hd).view({B, T, KV, hd}).transpose(1, 2);
    return {rot(q).reshape({B, KV, (H / KV) * T, hd}), rot(k).contiguous(), v.contiguous()};
}

std::vector<at::Tensor> applyRotary(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                                    int64_t kvHeads, int64_t headDim) {
    checkInputs(qkv, cos, sin, heads, kvHeads, headDim);
    if (!onFusedPath(qkv) || !cos.device().is_cpu() || !sin.device().is_cpu())
        return applyRotaryReference(qkv, cos, sin, heads, kvHeads, headDim);
    return RotaryFunction::apply(qkv, cos, sin, heads, kvHeads, headDim);
}

}  // namespace l1ra::kernels
