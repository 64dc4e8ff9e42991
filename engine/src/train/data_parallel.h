#pragma once
// What a data-parallel run exchanges between its processes (docs/distributed.md): gradient sums in flat buckets,
// the starting values from rank 0, rank 0's reallocation plan, and checks that every process holds the same model.
#include "train/process_group.h"
#include "train/rank_allocator.h"
#include "train/trainable_tensor.h"

#include <vector>

namespace l1ra {

// Sums every trainable's gradient over the processes, in place. Gradients are packed into flat buffers of about
// bucketBytes (one collective per bucket, not per tensor); an undefined gradient counts as zeros.
void sumGradients(ProcessGroup& group, const std::vector<TrainableTensor*>& params, int64_t bucketBytes = int64_t(25) << 20);

// The pieces of sumGradients, for GradientSumOverlap: consecutive trainables of one dtype and device in buckets of
// about bucketBytes; a bucket's gradients as one flat tensor (zeros for an undefined one); and the summed flat
// tensor back as the gradients (views into it).
std::vector<std::vector<TrainableTensor*>> gradientBuckets(const std::vector<TrainableTensor*>& params, int64_t bucketBytes);
torch::Tensor flatGradients(const std::vector<TrainableTensor*>& bucket);
void takeFlatGradients(const std::vector<TrainableTensor*>& bucket, const torch::Tensor& flat);

// Every process takes rank 0's values (not the moments: they start at zero, or come from the same checkpoint).
void broadcastValues(ProcessGroup& group, const std::vector<TrainableTensor*>& params);

// Rank 0's plan on every process. `ranks` holds each adapter's rank before the plan (the same everywhere).
ReallocationPlan broadcastPlan(ProcessGroup& group, const ReallocationPlan& ownPlan, const std::vector<int>& ranks);

// Throws l1ra::Error when the processes' adapter ranks or trainable values differ (they must stay identical: same
// start, same summed gradients, same plans).
void checkSameModel(ProcessGroup& group, const std::vector<TrainableTensor*>& params, const std::vector<int>& ranks, const char* when);

}  // namespace l1ra
