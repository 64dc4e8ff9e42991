#include "train/gradient_sum_overlap.h"

#include "train/data_parallel.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

#include "l1ra/error.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace l1ra {

// Runs after a trainable's gradient accumulator: its gradient for this backward pass is complete.
struct GradientSumOverlap::Hook : torch::autograd::FunctionPostHook {
    GradientSumOverlap* owner;
    std::size_t param;
    Hook(GradientSumOverlap* o, std::size_t p) : owner(o), param(p) {}
    torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) override {
        owner->ready(param);
        return outputs;
    }
};

GradientSumOverlap::GradientSumOverlap(ProcessGroup& group, int64_t bucketBytes) : group_(group), bucketBytes_(bucketBytes) {}

GradientSumOverlap::~GradientSumOverlap() { disarm(); }

void GradientSumOverlap::arm(const std::vector<TrainableTensor*>& params) {
    disarm();
    params_ = params;
    std::vector<TrainableTensor*> reversed(params.rbegin(), params.rend());
    buckets_ = gradientBuckets(reversed, bucketBytes_);
    bucketOf_.assign(params.size(), 0);
    waiting_.assign(buckets_.size(), 0);
    for (std::size_t b = 0, i = params.size(); b < buckets_.size(); ++b)
        for (std::size_t k = 0; k < buckets_[b].size(); ++k) {
            bucketOf_[--i] = b;
            waiting_[b] += 1;
        }
    seen_.assign(params.size(), false);
    flats_.assign(buckets_.size(), torch::Tensor());
    nextBucket_ = 0;
    accumulatedTwice_ = false;
    startedEarly_ = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
        std::shared_ptr<torch::autograd::Node> accumulator = torch::autograd::impl::grad_accumulator(params[i]->value);
        if (!accumulator) continue;   // not a leaf that takes gradients: counted at finish()
        const uintptr_t key = accumulator->add_post_hook(std::make_unique<Hook>(this, i));
        hooks_.emplace_back(std::move(accumulator), key);
    }
}

void GradientSumOverlap::ready(std::size_t param) {
    if (seen_[param]) {
        // Accumulated again in the same pass (a trainable used in two recomputed segments): if its bucket has
        // started, that sum is stale.
        if (bucketOf_[param] < nextBucket_) accumulatedTwice_ = true;
        return;
    }
    seen_[param] = true;
    waiting_[bucketOf_[param]] -= 1;
    startReadyBuckets();
}

void GradientSumOverlap::startReadyBuckets() {
    torch::NoGradGuard noGrad;
    while (nextBucket_ < buckets_.size() && waiting_[nextBucket_] == 0) {
        flats_[nextBucket_] = flatGradients(buckets_[nextBucket_]);
        group_.startSum(flats_[nextBucket_]);
        nextBucket_ += 1;
        startedEarly_ += 1;
    }
}

void GradientSumOverlap::finish() {
    disarm();
    const int early = startedEarly_;
    for (std::size_t b = nextBucket_; b < buckets_.size(); ++b) waiting_[b] = 0;
    startReadyBuckets();
    startedEarly_ = early;
    group_.waitForSums();
    if (accumulatedTwice_) {
        // Every process takes this branch together (the same model makes the same graph): sum what is final now.
        sumGradients(group_, params_);
        return;
    }
    torch::NoGradGuard noGrad;
    for (std::size_t b = 0; b < buckets_.size(); ++b) takeFlatGradients(buckets_[b], flats_[b]);
}

void GradientSumOverlap::disarm() {
    for (auto& [node, key] : hooks_) node->del_post_hook(key);
    hooks_.clear();
}

int64_t overlapBucketBytes() {
    const char* text = std::getenv("L1RA_DIST_BUCKET_KIB");
    if (!text || !*text) return GradientSumOverlap::kBucketBytes;
    char* end = nullptr;
    const long long kib = std::strtoll(text, &end, 10);
    if (*end != '\0' || kib < 0 || kib > (int64_t(4) << 20))
        throw Error(std::string("environment variable L1RA_DIST_BUCKET_KIB='") + text + "': expected a whole number of KiB from 0 to 4194304");
    return int64_t(kib) * 1024;
}

}  // namespace l1ra
