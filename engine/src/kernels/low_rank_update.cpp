#include "kernels/low_rank_update.h"

#include "kernels/fast_dropout.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

namespace l1ra::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void checkGroup(const at::Tensor& out, const at::Tensor& x, at::TensorList As, at::TensorList Bs, at::TensorList gates,
                const LowRankGroup& group) {
    const std::size_t n = As.size();
    TORCH_CHECK(n > 0 && Bs.size() == n && gates.size() == n && group.columnOffsets.size() == n && group.scales.size() == n,
                "lowRankUpdate: ", n, " A matrices, ", Bs.size(), " B, ", gates.size(), " gates, ",
                group.columnOffsets.size(), " offsets, ", group.scales.size(), " scales");
    TORCH_CHECK(out.dim() >= 1 && x.dim() == out.dim() && x.sizes().slice(0, x.dim() - 1) == out.sizes().slice(0, out.dim() - 1),
                "lowRankUpdate: x ", x.sizes(), " and out ", out.sizes(), " differ in their leading dimensions");
    const int64_t in = x.size(-1), width = out.size(-1);
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t r = As[i].size(0);
        TORCH_CHECK(As[i].dim() == 2 && As[i].size(1) == in, "lowRankUpdate: A ", As[i].sizes(), " does not read ", in, " features");
        TORCH_CHECK(Bs[i].dim() == 2 && Bs[i].size(1) == r, "lowRankUpdate: B ", Bs[i].sizes(), " does not match A ", As[i].sizes());
        TORCH_CHECK(gates[i].dim() == 1 && gates[i].size(0) == r, "lowRankUpdate: gate ", gates[i].sizes(), " for rank ", r);
        TORCH_CHECK(group.columnOffsets[i] >= 0 && group.columnOffsets[i] + Bs[i].size(0) <= width,
                    "lowRankUpdate: adapter ", i, " writes columns past the group's ", width);
    }
    TORCH_CHECK(group.rankMultiple >= 1, "lowRankUpdate: rank multiple must be at least 1");
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

// Per rank: the adapter's scale (0 on padding ranks), as a tensor of `options`.
at::Tensor rankScales(at::TensorList As, const LowRankGroup& group, int64_t R, const at::TensorOptions& options) {
    std::vector<double> scales;
    scales.reserve(std::size_t(R));
    for (std::size_t i = 0; i < As.size(); ++i) scales.insert(scales.end(), std::size_t(As[i].size(0)), group.scales[i]);
    scales.resize(std::size_t(R), 0.0);
    return at::tensor(scales, at::TensorOptions().dtype(at::kDouble)).to(options);
}

// The group's A [R, in], gains [R] and block-placed B [W, R] in `dtype`, padding ranks zero everywhere; for the
// backward, the gains again in the parameters' dtype, the gates stacked (padding 0) and the per-rank scales.
struct Stacked {
    at::Tensor A, gain, B, paramGain, gates, scales;
};

Stacked stack(at::TensorList As, at::TensorList Bs, at::TensorList gates, const LowRankGroup& group, int64_t width,
              at::ScalarType dtype) {
    const int64_t rank = totalRank(As), R = paddedRank(rank, group.rankMultiple), in = As[0].size(1);
    Stacked s;
    s.scales = rankScales(As, group, R, As[0].options());
    std::vector<at::Tensor> rowsA(As.begin(), As.end()), gateParts(gates.begin(), gates.end());
    if (R > rank) {
        rowsA.push_back(at::zeros({R - rank, in}, As[0].options()));
        gateParts.push_back(at::zeros({R - rank}, gates[0].options()));
    }
    s.A = at::cat(rowsA).to(dtype);
    s.gates = at::cat(gateParts);
    s.paramGain = group.gated ? s.gates.clamp(0.0, 1.0) * s.scales : s.scales;
    s.gain = s.paramGain.to(dtype);
    s.B = at::zeros({width, R}, As[0].options().dtype(dtype));
    for (std::size_t i = 0, first = 0; i < As.size(); first += std::size_t(As[i].size(0)), ++i)
        s.B.narrow(0, group.columnOffsets[i], Bs[i].size(0)).narrow(1, int64_t(first), As[i].size(0)).copy_(Bs[i]);
    return s;
}

class LowRankUpdateFunction : public torch::autograd::Function<LowRankUpdateFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& out, const at::Tensor& x, at::TensorList As,
                              at::TensorList Bs, at::TensorList gates, const LowRankGroup& group) {
        RECORD_USER_SCOPE("l1ra::low_rank_update_forward");
        // Products in x's dtype even inside an autocast region: the parameters are cast explicitly below.
        c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
        const int64_t in = x.size(-1), width = out.size(-1), rows = x.numel() / std::max<int64_t>(1, in);
        const Stacked s = stack(As, Bs, gates, group, width, x.scalar_type());
        const at::Tensor x2 = x.reshape({rows, in});
        const at::Tensor xd = group.dropout > 0 ? fastDropout(x2, group.dropout, group.seed) : x2;
        const at::Tensor h = at::mm(xd, s.A.t());   // [rows, R]
        const at::Tensor hg = h * s.gain;
        // The update goes into `out` itself where autograd allows it (out is a fresh projection output in the model):
        // addmm_ accumulates inside the product, where addmm first copies out into a new tensor.
        at::Tensor result;
        if (!(out.is_leaf() && out.requires_grad()) && out.is_contiguous()) {
            out.view({rows, width}).addmm_(hg, s.B.t());
            ctx->mark_dirty({out});
            result = out;
        } else {
            result = at::addmm(out.reshape({rows, width}), hg, s.B.t()).view(out.sizes());
        }
        std::vector<int64_t> ranks, offsets, outs;
        for (std::size_t i = 0; i < As.size(); ++i) {
            ranks.push_back(As[i].size(0));
            offsets.push_back(group.columnOffsets[i]);
            outs.push_back(Bs[i].size(0));
        }
        ctx->save_for_backward({xd, h, s.A, s.gain, s.B, s.paramGain, s.gates, s.scales});
        ctx->saved_data["ranks"] = ranks;
        ctx->saved_data["offsets"] = offsets;
        ctx->saved_data["outs"] = outs;
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        ctx->saved_data["dropout"] = group.dropout;
        ctx->saved_data["seed"] = int64_t(group.seed);
        return result;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &xd = saved[0], &h = saved[1], &A = saved[2], &gain = saved[3], &B = saved[4], &paramGain = saved[5],
                         &gates = saved[6], &scales = saved[7];
        const auto ranks = ctx->saved_data["ranks"].toIntVector();
        const auto offsets = ctx->saved_data["offsets"].toIntVector();
        const auto outs = ctx->saved_data["outs"].toIntVector();
        const double p = ctx->saved_data["dropout"].toDouble();
        const auto paramDtype = paramGain.scalar_type();
        const std::size_t n = ranks.size();
        // Inputs in order: out, x, A_0..A_n-1, B_0.., gate_0.., then the group (not a tensor).
        variable_list result(2 + 3 * n + 1);
        if (!grads[0].defined()) return result;
        auto needs = [&](std::size_t index) { return ctx->needs_input_grad(index); };
        auto anyOf = [&](std::size_t first) {
            for (std::size_t i = 0; i < n; ++i)
                if (needs(first + i)) return true;
            return false;
        };
        const bool needA = anyOf(2), needB = anyOf(2 + n), needGate = anyOf(2 + 2 * n), needX = needs(1);
        if (needs(0)) result[0] = grads[0];
        const int64_t rows = h.size(0), width = B.size(0);
        const at::Tensor g = grads[0].reshape({rows, width}).to(A.scalar_type());
        std::vector<int64_t> firsts;
        for (std::size_t i = 0, f = 0; i < n; f += std::size_t(ranks[i]), ++i) firsts.push_back(int64_t(f));

        if (needB || needGate) {
            // M = gᵀ h [W, R] gives both: dB = M ⊙ gain (per column) and d gain = Σ_w B ⊙ M, a sum over the
            // group's width instead of over every token.
            const at::Tensor M = at::mm(g.t(), h).to(paramDtype);
            if (needB) {
                const at::Tensor dB = M * paramGain;   // only each adapter's block is a parameter
                for (std::size_t i = 0; i < n; ++i)
                    if (needs(2 + n + i)) result[2 + n + i] = dB.narrow(0, offsets[i], outs[i]).narrow(1, firsts[i], ranks[i]).contiguous();
            }
            if (needGate) {
                // d gain / d gate: the scale where the clamp passed the gate through (ends included, as torch's clamp).
                const at::Tensor passed = (gates >= 0).logical_and_(gates <= 1).to(paramDtype);
                const at::Tensor dGate = (M * B.to(paramDtype)).sum(0) * scales * passed;
                for (std::size_t i = 0; i < n; ++i)
                    if (needs(2 + 2 * n + i)) result[2 + 2 * n + i] = dGate.narrow(0, firsts[i], ranks[i]).to(gates.scalar_type());
            }
        }
        if (!needA && !needX) return result;
        const at::Tensor dh = at::mm(g, B) * gain;   // [rows, R]
        if (needA) {
            const at::Tensor dA = at::mm(dh.t(), xd).to(paramDtype);   // [R, in]
            for (std::size_t i = 0; i < n; ++i)
                if (needs(2 + i)) result[2 + i] = dA.narrow(0, firsts[i], ranks[i]);
        }
        if (needX) {
            at::Tensor dx = at::mm(dh, A);   // [rows, in]
            if (p > 0) dx = fastDropout(dx, p, uint64_t(ctx->saved_data["seed"].toInt()));   // the same mask
            result[1] = dx.view(ctx->saved_data["x_sizes"].toIntVector());
        }
        return result;
    }
};

}  // namespace

at::Tensor lowRankUpdateReference(const at::Tensor& out, const at::Tensor& x, at::TensorList As, at::TensorList Bs,
                                  at::TensorList gates, const LowRankGroup& group) {
    checkGroup(out, x, As, Bs, gates, group);
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

at::Tensor lowRankUpdate(const at::Tensor& out, const at::Tensor& x, at::TensorList As, at::TensorList Bs,
                         at::TensorList gates, const LowRankGroup& group) {
    checkGroup(out, x, As, Bs, gates, group);
    if (!onFusedPath(x) || !out.device().is_cpu()) return lowRankUpdateReference(out, x, As, Bs, gates, group);
    return LowRankUpdateFunction::apply(out, x, As, Bs, gates, group);
}

}  // namespace l1ra::kernels
