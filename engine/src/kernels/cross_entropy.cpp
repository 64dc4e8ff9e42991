#include "kernels/cross_entropy.h"

#include "kernels/clones.h"
#include "kernels/row_reduce.h"
#include "kernels/scalar_access.h"
#include "kernels/vector_math.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <limits>
#include <vector>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kBlock = 256;   // online logsumexp: the running max moves once per block at most

// Per row: lse[row] = log Σ exp(x), loss[row] = lse − x[label]; both 0 for ignored rows.
template <typename T>
L1RA_KERNEL_CLONES void crossEntropyRows(const T* logits, const int64_t* labels, int64_t V, int64_t ignoreIndex,
                                         acc_t<T>* lse, acc_t<T>* loss, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    A buffer[kBlock];
    A* __restrict e = buffer;
    for (int64_t row = begin; row < end; ++row) {
        const int64_t label = labels[row];
        if (label == ignoreIndex) {
            lse[row] = loss[row] = A(0);
            continue;
        }
        const T* x = logits + row * V;
        // One sweep: a block is widened, its max found, its exponentials summed against the running max; the
        // running sum is rescaled when the max grows.
        A m = -std::numeric_limits<A>::infinity(), sum = 0;
        for (int64_t b = 0; b < V; b += kBlock) {
            const int64_t n = std::min(kBlock, V - b);
            const T* __restrict xb = x + b;
            for (int64_t j = 0; j < n; ++j) e[j] = load(xb[j]);
            const A bm = laneMax(e, n);
            if (bm > m) {
                sum *= std::exp(m - bm);
                m = bm;
            }
            for (int64_t j = 0; j < n; ++j) e[j] = expApprox(e[j] - m);
            sum += laneSum(e, n);
        }
        lse[row] = m + std::log(sum);
        loss[row] = lse[row] - load(x[label]);
    }
}

// grad[row] = (exp(x − lse) − onehot(label)) · scale, zeros for ignored rows.
template <typename T>
L1RA_KERNEL_CLONES void crossEntropyGradRows(const T* logits, const int64_t* labels, const acc_t<T>* lse, int64_t V,
                                             int64_t ignoreIndex, acc_t<T> scale, T* grad, int64_t begin, int64_t end) {
    using A = acc_t<T>;
    for (int64_t row = begin; row < end; ++row) {
        const int64_t label = labels[row];
        T* __restrict g = grad + row * V;
        if (label == ignoreIndex) {
            for (int64_t j = 0; j < V; ++j) store(g + j, A(0));
            continue;
        }
        const T* __restrict x = logits + row * V;
        const A l = lse[row];
        for (int64_t j = 0; j < V; ++j) store(g + j, expApprox(load(x[j]) - l) * scale);
        store(g + label, (expApprox(load(x[label]) - l) - A(1)) * scale);
    }
}

int64_t rowGrain(int64_t V) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, V)); }

class CrossEntropySumFunction : public torch::autograd::Function<CrossEntropySumFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logitsIn, const at::Tensor& labelsIn,
                              int64_t ignoreIndex) {
        RECORD_USER_SCOPE("l1ra::cross_entropy_forward");
        const auto logits = logitsIn.contiguous();                 // [N, V]
        const auto labels = labelsIn.to(at::kLong).contiguous();   // [N]
        const int64_t N = logits.size(0), V = logits.size(1);
        const auto acc = logits.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
        auto lse = at::empty({N}, logits.options().dtype(acc));
        auto rowLoss = at::empty({N}, logits.options().dtype(acc));
        double total = 0;
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, logits.scalar_type(), "l1ra_cross_entropy", [&] {
            using A = acc_t<scalar_t>;
            const scalar_t* x = logits.data_ptr<scalar_t>();
            const int64_t* y = labels.data_ptr<int64_t>();
            A* l = lse.data_ptr<A>();
            A* r = rowLoss.data_ptr<A>();
            at::parallel_for(0, N, rowGrain(V), [&](int64_t b, int64_t e) {
                crossEntropyRows<scalar_t>(x, y, V, ignoreIndex, l, r, b, e);
            });
            for (int64_t i = 0; i < N; ++i) total += double(r[i]);   // fixed order: same sum for any thread count
        });
        ctx->save_for_backward({logits, labels, lse});
        ctx->saved_data["ignore"] = ignoreIndex;
        return at::scalar_tensor(total, logits.options().dtype(acc));
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &logits = saved[0], &labels = saved[1], &lse = saved[2];
        const int64_t ignoreIndex = ctx->saved_data["ignore"].toInt();
        const int64_t N = logits.size(0), V = logits.size(1);
        const double scale = grads[0].item<double>();
        auto grad = at::empty_like(logits, at::MemoryFormat::Contiguous);   // [N, V] in the logits' dtype
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, logits.scalar_type(), "l1ra_cross_entropy_backward", [&] {
            using A = acc_t<scalar_t>;
            const scalar_t* x = logits.data_ptr<scalar_t>();
            const int64_t* y = labels.data_ptr<int64_t>();
            const A* l = lse.data_ptr<A>();
            scalar_t* g = grad.data_ptr<scalar_t>();
            at::parallel_for(0, N, rowGrain(V), [&](int64_t b, int64_t e) {
                crossEntropyGradRows<scalar_t>(x, y, l, V, ignoreIndex, A(scale), g, b, e);
            });
        });
        return {grad, at::Tensor(), at::Tensor()};
    }
};

void checkInputs(const at::Tensor& logits, const at::Tensor& labels, int64_t ignoreIndex) {
    TORCH_CHECK(logits.dim() == 2, "crossEntropySum: logits must be [N, V], got ", logits.sizes());
    TORCH_CHECK(labels.dim() == 1 && labels.size(0) == logits.size(0), "crossEntropySum: labels ", labels.sizes(),
                " do not match logits ", logits.sizes());
    TORCH_CHECK(!at::isFloatingType(labels.scalar_type()) && !at::isComplexType(labels.scalar_type()),
                "crossEntropySum: labels must be integers");
    const auto valid = labels.ne(ignoreIndex);
    const auto outside = valid.logical_and(labels.lt(0).logical_or(labels.ge(logits.size(1))));
    TORCH_CHECK(!outside.any().item<bool>(), "crossEntropySum: a label is outside [0, ", logits.size(1), ")");
}

}  // namespace

at::Tensor crossEntropySumReference(const at::Tensor& logits, const at::Tensor& labels, int64_t ignoreIndex) {
    checkInputs(logits, labels, ignoreIndex);
    const auto acc = at::promote_types(logits.scalar_type(), at::kFloat);
    return at::cross_entropy_loss(logits.to(acc), labels.to(at::kLong), {}, at::Reduction::Sum, ignoreIndex);
}

at::Tensor crossEntropySum(const at::Tensor& logits, const at::Tensor& labels, int64_t ignoreIndex) {
    if (!onFusedPath(logits) || !labels.device().is_cpu()) return crossEntropySumReference(logits, labels, ignoreIndex);
    checkInputs(logits, labels, ignoreIndex);
    return CrossEntropySumFunction::apply(logits, labels, ignoreIndex);
}

}  // namespace l1ra::kernels
