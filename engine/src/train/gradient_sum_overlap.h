#pragma once
// Data-parallel gradient sums overlapped with the backward pass (docs/distributed.md), as DDP does: the trainables
// are cut into buckets in reverse order (the last layers' gradients are ready first); a hook on each trainable's
// gradient accumulator marks it ready, and a bucket whose gradients are all ready starts its sum while the
// backward pass goes on. Buckets start in a fixed order on every process (Gloo matches collectives by order).
#include "train/process_group.h"
#include "train/trainable_tensor.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace l1ra {

class GradientSumOverlap {
public:
    // Small buckets, so that the backward pass has something to overlap with; the flat copies are the only
    // memory it costs.
    static constexpr int64_t kBucketBytes = int64_t(1) << 20;

    explicit GradientSumOverlap(ProcessGroup& group, int64_t bucketBytes = kBucketBytes);
    ~GradientSumOverlap();
    GradientSumOverlap(const GradientSumOverlap&) = delete;
    GradientSumOverlap& operator=(const GradientSumOverlap&) = delete;

    // Before the backward pass that completes the step's gradients (the last micro-batch's): watches `params`.
    void arm(const std::vector<TrainableTensor*>& params);
    // After it: starts the buckets not started yet (a trainable without a gradient counts as zeros), waits for
    // every sum and makes the sums the gradients. Throws l1ra::Error when another process is gone.
    void finish();

    int bucketCount() const { return int(buckets_.size()); }
    int bucketsStartedDuringBackward() const { return startedEarly_; }   // of the last step (benchmarks, tests)

    struct Hook;

private:
    void ready(std::size_t param);
    void startReadyBuckets();
    void disarm();

    ProcessGroup& group_;
    int64_t bucketBytes_;
    std::vector<TrainableTensor*> params_;
    std::vector<std::vector<TrainableTensor*>> buckets_;
    std::vector<std::size_t> bucketOf_;        // [param] -> its bucket
    std::vector<int> waiting_;                 // [bucket] -> gradients not ready yet
    std::vector<bool> seen_;                   // [param] -> its accumulator ran in this backward pass
    std::vector<torch::Tensor> flats_;         // [bucket] -> the started sum's buffer
    std::size_t nextBucket_ = 0;
    bool accumulatedTwice_ = false;            // a gradient changed after its bucket started: sum again at the end
    int startedEarly_ = 0;
    std::vector<std::pair<std::shared_ptr<torch::autograd::Node>, uintptr_t>> hooks_;
};

// The bucket size the overlap uses: L1RA_DIST_BUCKET_KIB (KiB) when set, else kBucketBytes; 0 turns the overlap
// off (the gradients are summed after the backward pass, in buckets of 25 MiB). Throws l1ra::Error for a value
// that is not a whole number from 0 to 4 GiB.
int64_t overlapBucketBytes();

}  // namespace l1ra
