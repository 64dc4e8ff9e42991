#include "train/optimizer.h"

#include "kernels/adamw.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace l1ra {

// The updates run on lists of tensors: on CUDA _foreach ops, one kernel per list, where a loop would launch ~10
// kernels per adapter tensor (launches dominated the optimizer there); on the CPU one fused pass over all of a
// group's elements (kernels/adamw), where the _foreach ops are loops of small per-tensor kernels.

double gradientNorm(const std::vector<TrainableTensor*>& params) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> grads;
    for (auto* p : params)
        if (p->value.grad().defined()) grads.push_back(p->value.grad().to(torch::kFloat32));
    if (grads.empty()) return 0.0;
    const auto norms = at::_foreach_norm(grads, 2);
    return torch::stack(norms).pow(2).sum().sqrt().item<double>();   // one device sync per step
}

void clipGradients(const std::vector<TrainableTensor*>& params, double norm, double maxNorm) {
    if (maxNorm <= 0 || !(norm > maxNorm)) return;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> grads;
    for (auto* p : params)
        if (p->value.grad().defined()) grads.push_back(p->value.grad());
    if (!grads.empty()) at::_foreach_mul_(grads, maxNorm / (norm + 1e-6));
}

void adamwStep(const std::vector<TrainableTensor*>& params, const OptimizerSettings& s) {
    torch::NoGradGuard noGrad;
    // Tensors with the same learning rate, weight decay and step count (so the same bias corrections) update
    // together.
    struct Lists {
        std::vector<torch::Tensor> values, grads, expAvg, expAvgSq;
    };
    std::map<std::tuple<double, double, int64_t>, Lists> groups;
    for (auto* p : params) {
        torch::Tensor grad = p->value.grad();
        if (!grad.defined()) continue;
        const double lr = p->group == ParamGroup::Gates ? s.gateLr : s.lr;
        const double decay = p->group == ParamGroup::Weights ? s.weightDecay : 0.0;
        p->steps += 1;
        Lists& l = groups[{lr, decay, p->steps}];
        l.values.push_back(p->value);
        l.grads.push_back(grad.scalar_type() == torch::kFloat32 ? grad : grad.to(torch::kFloat32));
        l.expAvg.push_back(p->expAvg);
        l.expAvgSq.push_back(p->expAvgSq);
    }
    for (auto& [key, l] : groups) {
        const auto [lr, decay, steps] = key;
        kernels::AdamWStep step;
        step.lr = lr;
        step.weightDecay = decay;
        step.beta1 = s.beta1;
        step.beta2 = s.beta2;
        step.eps = s.eps;
        step.bias1 = 1.0 - std::pow(s.beta1, double(steps));
        step.bias2 = 1.0 - std::pow(s.beta2, double(steps));
        kernels::adamW(l.values, l.grads, l.expAvg, l.expAvgSq, step);
    }
    for (auto* p : params)
        if (p->value.grad().defined()) p->value.mutable_grad() = torch::Tensor();
}

void shrinkGates(const std::vector<TrainableTensor*>& params, double gateLr, double lambda) {
    torch::NoGradGuard noGrad;
    const double shrink = gateLr * lambda;
    for (auto* p : params) {
        if (p->group != ParamGroup::Gates) continue;
        torch::Tensor& c = p->value;
        if (c.device().is_cpu() && c.scalar_type() == torch::kFloat32 && c.is_contiguous()) {
            // A gate is a few elements: a loop, where sub_ and clamp_ cost two dispatches each (28 gates a layer
            // set). The same fp32 arithmetic as sub_(shrink).clamp_(0, 1).
            float* v = c.data_ptr<float>();
            const float s = float(shrink);
            for (int64_t i = 0; i < c.numel(); ++i) v[i] = std::clamp(v[i] - s, 0.0f, 1.0f);
            c.unsafeGetTensorImpl()->bump_version();   // an in-place change, as the operations would record
        } else {
            c.sub_(shrink).clamp_(0.0, 1.0);
        }
    }
}

}  // namespace l1ra
