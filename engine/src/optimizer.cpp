#include "optimizer.h"

#include <cmath>
#include <map>
#include <tuple>

namespace l1ra {

// The updates run on lists of tensors (_foreach ops): on CUDA one kernel covers every tensor of a list, where a
// loop would launch ~10 kernels per adapter tensor (hundreds of tensors, so launches dominated the optimizer
// there); on the CPU the same ops run tensor by tensor, with the same arithmetic as before.

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
        const double bias1 = 1.0 - std::pow(s.beta1, double(steps));
        const double bias2 = 1.0 - std::pow(s.beta2, double(steps));
        // Decoupled weight decay, then the Adam update (as torch.optim.AdamW).
        if (decay != 0) at::_foreach_mul_(l.values, 1.0 - lr * decay);
        at::_foreach_mul_(l.expAvg, s.beta1);
        at::_foreach_add_(l.expAvg, l.grads, 1.0 - s.beta1);
        at::_foreach_mul_(l.expAvgSq, s.beta2);
        at::_foreach_addcmul_(l.expAvgSq, l.grads, l.grads, 1.0 - s.beta2);
        auto denom = at::_foreach_div(l.expAvgSq, bias2);
        at::_foreach_sqrt_(denom);
        at::_foreach_add_(denom, s.eps);
        at::_foreach_addcdiv_(l.values, l.expAvg, denom, -lr / bias1);
    }
    for (auto* p : params)
        if (p->value.grad().defined()) p->value.mutable_grad() = torch::Tensor();
}

void shrinkGates(const std::vector<TrainableTensor*>& params, double gateLr, double lambda) {
    torch::NoGradGuard noGrad;
    const double shrink = gateLr * lambda;
    for (auto* p : params)
        if (p->group == ParamGroup::Gates) p->value.sub_(shrink).clamp_(0.0, 1.0);
}

}  // namespace l1ra
