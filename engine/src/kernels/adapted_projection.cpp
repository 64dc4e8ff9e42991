#include "kernels/adapted_projection.h"

#include "kernels/fast_dropout.h"
#include "kernels/frozen_linear.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/record_function.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void checkGroup(const at::Tensor& x, const FrozenWeight& weight, at::TensorList As, at::TensorList Bs, at::TensorList gates,
                const LowRankGroup& group) {
    const std::size_t n = As.size();
    TORCH_CHECK(n > 0 && Bs.size() == n && gates.size() == n && group.columnOffsets.size() == n && group.scales.size() == n,
                "adaptedProjection: ", n, " A matrices, ", Bs.size(), " B, ", gates.size(), " gates, ",
                group.columnOffsets.size(), " offsets, ", group.scales.size(), " scales");
    TORCH_CHECK(weight.defined() && x.dim() >= 1 && weight.cols == x.size(-1),
                "adaptedProjection: weight [", weight.rows, ", ", weight.cols, "] does not read the ", x.sizes(), " input's features");
    const int64_t in = x.size(-1), width = weight.rows;
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t r = As[i].size(0);
        TORCH_CHECK(As[i].dim() == 2 && As[i].size(1) == in, "adaptedProjection: A ", As[i].sizes(), " does not read ", in, " features");
        TORCH_CHECK(Bs[i].dim() == 2 && Bs[i].size(1) == r, "adaptedProjection: B ", Bs[i].sizes(), " does not match A ", As[i].sizes());
        TORCH_CHECK(gates[i].dim() == 1 && gates[i].size(0) == r, "adaptedProjection: gate ", gates[i].sizes(), " for rank ", r);
        TORCH_CHECK(group.columnOffsets[i] >= 0 && group.columnOffsets[i] + Bs[i].size(0) <= width,
                    "adaptedProjection: adapter ", i, " writes columns past the group's ", width);
    }
    TORCH_CHECK(group.rankMultiple >= 1, "adaptedProjection: rank multiple must be at least 1");
}

int64_t totalRank(at::TensorList As) {
    int64_t rank = 0;
    for (const auto& a : As) rank += a.size(0);
    return rank;
}

int64_t paddedRank(int64_t rank, int64_t multiple) { return (rank + multiple - 1) / multiple * multiple; }

// The gain of every rank: the gate clamped to [0, 1] (L1RA) or 1 (LoRA), times the adapter's scale.
at::Tensor gainOf(const at::Tensor& gate, double scale, bool gated) {
    return gated ? gate.clamp(0.0, 1.0) * scale : at::full({gate.size(0)}, scale, gate.options());
}

// The group's parameters in the layout of the products: A [R, in] and Bg = B · diag(gain) [W, R] in the compute
// dtype, padding ranks zero; per rank the gain (the clamped gate times the scale; the scale in LoRA) and, for the
// gate gradient, d gain / d gate (the scale where the clamp passed the gate through, ends included as in torch's
// clamp; 0 elsewhere). Built with plain loops: these are a few thousand elements, and as ATen operations
// (concatenations, casts, clamps, block copies) they cost more in dispatch than in arithmetic.
struct Stacked {
    at::Tensor A, Bg;
    std::vector<double> gain, gainSlope;
};

template <typename C, typename P>
void fillStacked(Stacked& s, at::TensorList As, at::TensorList Bs, at::TensorList gates, const LowRankGroup& group) {
    C* a = s.A.data_ptr<C>();
    C* bg = s.Bg.data_ptr<C>();
    const int64_t in = s.A.size(1), R = s.A.size(0);
    for (std::size_t i = 0, first = 0; i < As.size(); first += std::size_t(As[i].size(0)), ++i) {
        const auto A = As[i].accessor<P, 2>();
        const auto B = Bs[i].accessor<P, 2>();
        const auto gate = gates[i].accessor<P, 1>();
        const double scale = group.scales[i];
        for (int64_t j = 0; j < A.size(0); ++j) {
            const std::size_t r = first + std::size_t(j);
            const double c = double(gate[j]);
            const bool passes = c >= 0.0 && c <= 1.0;
            s.gain[r] = group.gated ? std::clamp(c, 0.0, 1.0) * scale : scale;
            s.gainSlope[r] = group.gated && passes ? scale : 0.0;
            for (int64_t k = 0; k < in; ++k) a[int64_t(r) * in + k] = C(A[j][k]);
        }
        for (int64_t w = 0; w < B.size(0); ++w)
            for (int64_t j = 0; j < B.size(1); ++j)
                bg[(group.columnOffsets[i] + w) * R + int64_t(first) + j] = C(double(B[w][j]) * s.gain[first + std::size_t(j)]);
    }
}

Stacked stack(at::TensorList As, at::TensorList Bs, at::TensorList gates, const LowRankGroup& group, int64_t width,
              at::ScalarType dtype) {
    const int64_t rank = totalRank(As), R = paddedRank(rank, group.rankMultiple), in = As[0].size(1);
    Stacked s;
    const auto options = As[0].options().dtype(dtype);
    s.A = at::zeros({R, in}, options);
    s.Bg = at::zeros({width, R}, options);
    s.gain.assign(std::size_t(R), 0.0);
    s.gainSlope.assign(std::size_t(R), 0.0);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, dtype, "l1ra_adapter_stack", [&] {
        using C = scalar_t;
        AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, As[0].scalar_type(), "l1ra_adapter_stack", [&] {
            fillStacked<C, scalar_t>(s, As, Bs, gates, group);
        });
    });
    return s;
}

// Per adapter: dB_i = (M ⊙ gain) in its block and d gate_i = (Σ_w M ⊙ B)_block ⊙ gainSlope, with M = gᵀh
// [W, R] in the compute dtype C and the parameters in P. The sum runs over the group's width, not every token.
template <typename C, typename P>
void blockGradients(const at::Tensor& M, const at::Tensor& B, int64_t offset, int64_t first, const std::vector<double>& gain,
                    const std::vector<double>& gainSlope, at::Tensor* dB, at::Tensor* dGate) {
    const C* m = M.data_ptr<C>();
    const int64_t R = M.size(1), out = B.size(0), r = B.size(1);
    const auto b = B.accessor<P, 2>();
    P* db = dB ? dB->data_ptr<P>() : nullptr;
    std::vector<double> sums(std::size_t(r), 0.0);
    for (int64_t w = 0; w < out; ++w) {
        const C* row = m + (offset + w) * R + first;
        for (int64_t j = 0; j < r; ++j) {
            const double mv = double(row[j]);
            if (db) db[w * r + j] = P(mv * gain[std::size_t(first + j)]);
            sums[std::size_t(j)] += mv * double(b[w][j]);
        }
    }
    if (dGate) {
        P* dg = dGate->data_ptr<P>();
        for (int64_t j = 0; j < r; ++j) dg[j] = P(sums[std::size_t(j)] * gainSlope[std::size_t(first + j)]);
    }
}

class AdaptedProjectionFunction : public torch::autograd::Function<AdaptedProjectionFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const FrozenWeight& weight, at::TensorList As,
                              at::TensorList Bs, at::TensorList gates, const LowRankGroup& group) {
        RECORD_USER_SCOPE("l1ra::adapted_projection_forward");
        // Products in x's dtype even inside an autocast region: the parameters are cast explicitly below.
        c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
        const int64_t in = x.size(-1), width = weight.rows, rows = x.numel() / std::max<int64_t>(1, in);
        Stacked s = stack(As, Bs, gates, group, width, x.scalar_type());
        const at::Tensor x2 = x.reshape({rows, in});
        const at::Tensor xd = group.dropout > 0 ? fastDropout(x2, group.dropout, group.seed) : x2;
        const at::Tensor h = at::mm(xd, s.A.t());   // [rows, R]
        at::Tensor out = at::mm(x2, materialize(weight).t());   // [rows, W]; a dequantised copy is freed here
        out.addmm_(h, s.Bg.t());                     // the update accumulated inside the product
        std::vector<int64_t> ranks, offsets;
        for (std::size_t i = 0; i < As.size(); ++i) {
            ranks.push_back(As[i].size(0));
            offsets.push_back(group.columnOffsets[i]);
        }
        // A quantised weight is kept as its codes (they are the model's own tensors: no new memory).
        std::vector<at::Tensor> saved{xd, h, s.A, s.Bg, weight.quantized() ? at::Tensor() : weight.dense};
        saved.insert(saved.end(), Bs.begin(), Bs.end());
        ctx->save_for_backward(saved);
        if (weight.quantized()) packFrozenWeight(ctx, weight);
        ctx->saved_data["quantized"] = weight.quantized();
        ctx->saved_data["ranks"] = ranks;
        ctx->saved_data["offsets"] = offsets;
        ctx->saved_data["gain"] = std::move(s.gain);
        ctx->saved_data["gain_slope"] = std::move(s.gainSlope);
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        ctx->saved_data["dropout"] = group.dropout;
        ctx->saved_data["seed"] = int64_t(group.seed);
        std::vector<int64_t> outSizes = x.sizes().vec();
        outSizes.back() = width;
        return out.view(outSizes);
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &xd = saved[0], &h = saved[1], &A = saved[2], &Bg = saved[3];
        const auto ranks = ctx->saved_data["ranks"].toIntVector();
        const auto offsets = ctx->saved_data["offsets"].toIntVector();
        const auto gain = ctx->saved_data["gain"].toDoubleVector();
        const auto gainSlope = ctx->saved_data["gain_slope"].toDoubleVector();
        const double p = ctx->saved_data["dropout"].toDouble();
        const std::size_t n = ranks.size();
        // Arguments in order: x, the weight (not a tensor), A_0..A_n-1, B_0.., gate_0.., the group (not a tensor).
        // `result` has a slot per argument; needs_input_grad counts the tensor arguments only.
        variable_list result(2 + 3 * n + 1);
        if (!grads[0].defined()) return result;
        auto needs = [&](std::size_t position) { return ctx->needs_input_grad(position == 0 ? 0 : position - 1); };
        auto anyOf = [&](std::size_t first) {
            for (std::size_t i = 0; i < n; ++i)
                if (needs(first + i)) return true;
            return false;
        };
        const bool needA = anyOf(2), needB = anyOf(2 + n), needGate = anyOf(2 + 2 * n), needX = needs(0);
        const int64_t rows = h.size(0), width = Bg.size(0);
        const at::Tensor g = grads[0].reshape({rows, width}).to(A.scalar_type());
        std::vector<int64_t> firsts;
        for (std::size_t i = 0, f = 0; i < n; f += std::size_t(ranks[i]), ++i) firsts.push_back(int64_t(f));

        if (needB || needGate) {
            const at::Tensor M = at::mm(g.t(), h);   // [W, R]
            for (std::size_t i = 0; i < n; ++i) {
                const at::Tensor& B = saved[5 + i];
                at::Tensor dB, dGate;
                if (needs(2 + n + i)) dB = at::empty(B.sizes(), B.options());
                if (needs(2 + 2 * n + i)) dGate = at::empty({ranks[i]}, B.options());
                AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, M.scalar_type(), "l1ra_adapter_grads", [&] {
                    using C = scalar_t;
                    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, B.scalar_type(), "l1ra_adapter_grads", [&] {
                        blockGradients<C, scalar_t>(M, B, offsets[i], firsts[i], gain, gainSlope, dB.defined() ? &dB : nullptr,
                                                    dGate.defined() ? &dGate : nullptr);
                    });
                });
                result[2 + n + i] = dB;
                result[2 + 2 * n + i] = dGate;
            }
        }
        if (!needA && !needX) return result;
        const at::Tensor dh = at::mm(g, Bg);   // [rows, R], the gains inside Bg
        if (needA) {
            const at::Tensor dA = at::mm(dh.t(), xd).to(saved[5].scalar_type());   // [R, in]
            for (std::size_t i = 0; i < n; ++i)
                if (needs(2 + i)) result[2 + i] = dA.narrow(0, firsts[i], ranks[i]);
        }
        if (needX) {
            // Both paths' gradients in one buffer: the base product's, then the adapters' added into it.
            const bool quantized = ctx->saved_data["quantized"].toBool();
            at::Tensor dx = at::mm(g, quantized ? materialize(unpackFrozenWeight(ctx)) : saved[4]);   // [rows, in]
            if (p > 0)
                addDropped(dx, at::mm(dh, A), p, uint64_t(ctx->saved_data["seed"].toInt()));   // the forward's mask
            else
                dx.addmm_(dh, A);
            result[0] = dx.view(ctx->saved_data["x_sizes"].toIntVector());
        }
        return result;
    }
};

}  // namespace

at::Tensor adaptedProjectionReference(const at::Tensor& x, const FrozenWeight& weight, at::TensorList As,
                                      at::TensorList Bs, at::TensorList gates, const LowRankGroup& group) {
    checkGroup(x, weight, As, Bs, gates, group);
    const at::Tensor out = frozenLinear(x, weight);
    const at::Tensor xd = group.dropout > 0 ? fastDropout(x, group.dropout, group.seed) : x;
    const auto dtype = xd.scalar_type();
    auto as = [&](const at::Tensor& t) { return t.scalar_type() == dtype ? t : t.to(dtype); };
    // A stacked, gains, and B block-diagonal with empty blocks for the columns no adapter writes.
    std::vector<at::Tensor> stackedA, gains, blocks;
    const int64_t width = out.size(-1);
    int64_t covered = 0;
    for (std::size_t i = 0; i < As.size(); ++i) {
        if (group.columnOffsets[i] > covered) blocks.push_back(at::zeros({group.columnOffsets[i] - covered, 0}, Bs[i].options()));
        stackedA.push_back(As[i]);
        gains.push_back(gainOf(gates[i], group.scales[i], group.gated));
        blocks.push_back(Bs[i]);
        covered = group.columnOffsets[i] + Bs[i].size(0);
    }
    if (covered < width) blocks.push_back(at::zeros({width - covered, 0}, Bs[0].options()));
    const int64_t rank = totalRank(As);
    if (const int64_t padding = paddedRank(rank, group.rankMultiple) - rank; padding > 0) {
        stackedA.push_back(at::zeros({padding, As[0].size(1)}, As[0].options()));
        gains.push_back(at::zeros({padding}, gains.back().options()));
        blocks.push_back(at::zeros({0, padding}, Bs[0].options()));
    }
    const at::Tensor A = at::cat(stackedA), gain = at::cat(gains), B = at::block_diag(blocks);
    const int64_t rows = out.numel() / std::max<int64_t>(1, width);
    auto h = at::linear(xd, as(A)) * as(gain);
    return at::addmm(out.reshape({rows, width}), h.reshape({rows, h.size(-1)}), as(B).t()).view(out.sizes());
}

at::Tensor adaptedProjection(const at::Tensor& x, const FrozenWeight& weight, at::TensorList As, at::TensorList Bs,
                             at::TensorList gates, const LowRankGroup& group) {
    checkGroup(x, weight, As, Bs, gates, group);
    const bool fused = onFusedPath(x) && weight.device().is_cpu() && weight.dtype == x.scalar_type() &&
                       (weight.quantized() || !weight.dense.requires_grad());
    if (!fused) return adaptedProjectionReference(x, weight, As, Bs, gates, group);
    return AdaptedProjectionFunction::apply(x, weight, As, Bs, gates, group);
}

}  // namespace l1ra::kernels
