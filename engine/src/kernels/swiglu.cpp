#include "kernels/swiglu.h"

#include "kernels/clones.h"
#include "kernels/scalar_access.h"
#include "kernels/vector_math.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

template <typename T>
L1RA_KERNEL_CLONES void swigluRows(const T* in, T* out, int64_t F, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    for (int64_t row = begin; row < end; ++row) {
        // Rows never overlap between inputs and outputs: __restrict lets the compiler skip alias checks.
        const T* __restrict g = in + row * 2 * F;
        const T* __restrict u = g + F;
        T* __restrict o = out + row * F;
        for (int64_t j = 0; j < F; ++j) {
            const A x = load(g[j]);
            store(o + j, x * sigmoid(x) * load(u[j]));
        }
    }
}

// d gate = dy · up · σ(g) (1 + g (1 − σ(g))), d up = dy · silu(g)
template <typename T>
L1RA_KERNEL_CLONES void swigluBackwardRows(const T* in, const T* dy, T* dIn, int64_t F, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    for (int64_t row = begin; row < end; ++row) {
        const T* __restrict g = in + row * 2 * F;
        const T* __restrict u = g + F;
        const T* __restrict d = dy + row * F;
        T* __restrict dg = dIn + row * 2 * F;
        T* __restrict du = dg + F;
        for (int64_t j = 0; j < F; ++j) {
            const A x = load(g[j]), sg = sigmoid(x), dj = load(d[j]);
            store(dg + j, dj * load(u[j]) * sg * (A(1) + x * (A(1) - sg)));
            store(du + j, dj * x * sg);
        }
    }
}

int64_t rowGrain(int64_t F) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, F)); }

class SwigluFunction : public torch::autograd::Function<SwigluFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& gateUpIn) {
        RECORD_USER_SCOPE("l1ra::swiglu_forward");
        const auto gateUp = gateUpIn.contiguous();   // [.., 2F]
        const int64_t F = gateUp.size(-1) / 2, rows = gateUp.numel() / std::max<int64_t>(1, 2 * F);
        auto sizes = gateUp.sizes().vec();
        sizes.back() = F;
        auto out = at::empty(sizes, gateUp.options());   // [.., F]
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, gateUp.scalar_type(), "l1ra_swiglu", [&] {
            const scalar_t* in = gateUp.data_ptr<scalar_t>();
            scalar_t* o = out.data_ptr<scalar_t>();
            at::parallel_for(0, rows, rowGrain(F), [&](int64_t b, int64_t e) { swigluRows<scalar_t>(in, o, F, b, e); });
        });
        ctx->save_for_backward({gateUp});
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const at::Tensor gateUp = ctx->get_saved_variables()[0];
        const int64_t F = gateUp.size(-1) / 2, rows = gateUp.numel() / std::max<int64_t>(1, 2 * F);
        const auto dy = grads[0].to(gateUp.scalar_type()).contiguous();
        auto dIn = at::empty_like(gateUp);   // [.., 2F]
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, gateUp.scalar_type(), "l1ra_swiglu_backward", [&] {
            const scalar_t* in = gateUp.data_ptr<scalar_t>();
            const scalar_t* d = dy.data_ptr<scalar_t>();
            scalar_t* o = dIn.data_ptr<scalar_t>();
            at::parallel_for(0, rows, rowGrain(F), [&](int64_t b, int64_t e) {
                swigluBackwardRows<scalar_t>(in, d, o, F, b, e);
            });
        });
        return {dIn};
    }
};

void checkInput(const at::Tensor& gateUp) {
    TORCH_CHECK(gateUp.dim() >= 1 && gateUp.size(-1) % 2 == 0, "swiglu: last dimension of ", gateUp.sizes(),
                " is not 2F");
}

}  // namespace

at::Tensor swigluReference(const at::Tensor& gateUp) {
    checkInput(gateUp);
    const int64_t F = gateUp.size(-1) / 2;
    return at::silu(gateUp.narrow(-1, 0, F)) * gateUp.narrow(-1, F, F);
}

at::Tensor swiglu(const at::Tensor& gateUp) {
    checkInput(gateUp);
    if (!onFusedPath(gateUp)) return swigluReference(gateUp);
    return SwigluFunction::apply(gateUp);
}

}  // namespace l1ra::kernels
