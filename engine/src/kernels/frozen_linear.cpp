#include "kernels/frozen_linear.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class FrozenLinearFunction : public torch::autograd::Function<FrozenLinearFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const FrozenWeight& weight) {
        RECORD_USER_SCOPE("l1ra::frozen_linear_forward");
        c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
        const int64_t rows = x.numel() / std::max<int64_t>(1, weight.cols);
        const at::Tensor x2 = x.reshape({rows, weight.cols}).to(weight.dtype);
        at::Tensor out = at::mm(x2, materialize(weight).t());   // [rows, W]; the dense copy is freed on return
        packFrozenWeight(ctx, weight);
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        ctx->saved_data["x_dtype"] = int64_t(x.scalar_type());
        std::vector<int64_t> outSizes = x.sizes().vec();
        outSizes.back() = weight.rows;
        return out.view(outSizes);
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        variable_list result(2);
        if (!grads[0].defined() || !ctx->needs_input_grad(0)) return result;
        const FrozenWeight weight = unpackFrozenWeight(ctx);
        const at::Tensor g = grads[0].reshape({-1, weight.rows}).to(weight.dtype);
        const auto xDtype = at::ScalarType(ctx->saved_data["x_dtype"].toInt());
        result[0] = at::mm(g, materialize(weight)).view(ctx->saved_data["x_sizes"].toIntVector()).to(xDtype);
        return result;
    }
};

}  // namespace

void packFrozenWeight(AutogradContext* ctx, const FrozenWeight& w) {
    auto& d = ctx->saved_data;
    d["w_format"] = int64_t(w.format);
    d["w_rows"] = w.rows;
    d["w_cols"] = w.cols;
    d["w_dtype"] = int64_t(w.dtype);
    if (w.dense.defined()) d["w_dense"] = w.dense;
    if (w.codes.defined()) d["w_codes"] = w.codes;
    if (w.scales.defined()) d["w_scales"] = w.scales;
    if (w.scaleScales.defined()) d["w_scale_scales"] = w.scaleScales;
    d["w_offset"] = w.scaleOffset;
}

FrozenWeight unpackFrozenWeight(AutogradContext* ctx) {
    auto& d = ctx->saved_data;
    FrozenWeight w;
    w.format = WeightFormat(d["w_format"].toInt());
    w.rows = d["w_rows"].toInt();
    w.cols = d["w_cols"].toInt();
    w.dtype = at::ScalarType(d["w_dtype"].toInt());
    auto tensor = [&](const char* key) { return d.count(key) ? d[key].toTensor() : at::Tensor(); };
    w.dense = tensor("w_dense");
    w.codes = tensor("w_codes");
    w.scales = tensor("w_scales");
    w.scaleScales = tensor("w_scale_scales");
    w.scaleOffset = d["w_offset"].toDouble();
    return w;
}

at::Tensor frozenLinear(const at::Tensor& x, const FrozenWeight& weight) {
    if (!weight.quantized()) return at::linear(x, weight.dense);
    return FrozenLinearFunction::apply(x, weight);
}

}  // namespace l1ra::kernels
