#include "optimizer.h"

#include <cmath>

namespace l1ra {

double gradientNorm(const std::vector<TrainableTensor*>& params) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> squares;
    for (auto* p : params)
        if (p->value.grad().defined()) squares.push_back(p->value.grad().to(torch::kFloat32).pow(2).sum());
    if (squares.empty()) return 0.0;
    return std::sqrt(torch::stack(squares).sum().item<double>());   // one device sync per step
}

void clipGradients(const std::vector<TrainableTensor*>& params, double norm, double maxNorm) {
    if (maxNorm <= 0 || !(norm > maxNorm)) return;
    torch::NoGradGuard noGrad;
    const double factor = maxNorm / (norm + 1e-6);
    for (auto* p : params)
        if (p->value.grad().defined()) p->value.grad().mul_(factor);
}

void adamwStep(const std::vector<TrainableTensor*>& params, const OptimizerSettings& s) {
    torch::NoGradGuard noGrad;
    for (auto* p : params) {
        torch::Tensor grad = p->value.grad();
        if (!grad.defined()) continue;
        const bool gate = p->group == ParamGroup::Gates;
        const double lr = gate ? s.gateLr : s.lr;
        const double decay = p->group == ParamGroup::Weights ? s.weightDecay : 0.0;
        p->steps += 1;
        const double bias1 = 1.0 - std::pow(s.beta1, double(p->steps));
        const double bias2 = 1.0 - std::pow(s.beta2, double(p->steps));
        if (grad.scalar_type() != torch::kFloat32) grad = grad.to(torch::kFloat32);
        // Decoupled weight decay, then the Adam update (as torch.optim.AdamW).
        if (decay != 0) p->value.mul_(1.0 - lr * decay);
        p->expAvg.mul_(s.beta1).add_(grad, 1.0 - s.beta1);
        p->expAvgSq.mul_(s.beta2).addcmul_(grad, grad, 1.0 - s.beta2);
        auto denom = (p->expAvgSq / bias2).sqrt_().add_(s.eps);
        p->value.addcdiv_(p->expAvg, denom, -lr / bias1);
        p->value.mutable_grad() = torch::Tensor();
    }
}

void shrinkGates(const std::vector<TrainableTensor*>& params, double gateLr, double lambda) {
    torch::NoGradGuard noGrad;
    const double shrink = gateLr * lambda;
    for (auto* p : params)
        if (p->group == ParamGroup::Gates) p->value.sub_(shrink).clamp_(0.0, 1.0);
}

}  // namespace l1ra
