#include "train/divergence.h"

#include <atomic>
#include <limits>
#include <mutex>

namespace l1ra {

namespace {

bool finite(const torch::Tensor& t) { return !t.defined() || torch::isfinite(t).all().item<bool>(); }

struct GradientPoison {
    std::mutex mutex;
    std::atomic<int> first{-1};   // read every step: an atomic keeps the usual case free of the lock
    int end = -1;
    std::string tensor;
};

GradientPoison& poison() {
    static GradientPoison p;
    return p;
}

}  // namespace

std::string firstNonFiniteGradient(const std::vector<TrainableTensor*>& params) {
    torch::NoGradGuard noGrad;
    bool any = false;
    for (const TrainableTensor* p : params) {
        if (!p->value.grad().defined()) continue;
        any = true;
        if (!finite(p->value.grad())) return p->name;
    }
    return any ? "gradient norm" : "";
}

std::string firstNonFiniteState(const std::vector<TrainableTensor*>& params) {
    torch::NoGradGuard noGrad;
    for (const TrainableTensor* p : params) {
        if (!finite(p->value)) return p->name;
        if (!finite(p->expAvg)) return p->name + ".exp_avg";
        if (!finite(p->expAvgSq)) return p->name + ".exp_avg_sq";
    }
    return "";
}

void poisonGradientForTesting(int step, const std::string& tensor, int count) {
    std::lock_guard<std::mutex> lock(poison().mutex);
    poison().tensor = tensor;
    poison().end = step + count;
    poison().first = step;
}

void applyGradientPoison(int step, const std::vector<TrainableTensor*>& params) {
    const int first = poison().first.load();
    if (first < 0 || step < first) return;
    std::lock_guard<std::mutex> lock(poison().mutex);
    if (step >= poison().end) return;
    torch::NoGradGuard noGrad;
    for (TrainableTensor* p : params) {
        if (!poison().tensor.empty() && p->name != poison().tensor) continue;
        if (p->value.grad().defined()) p->value.mutable_grad().fill_(std::numeric_limits<float>::quiet_NaN());
        return;
    }
}

}  // namespace l1ra
