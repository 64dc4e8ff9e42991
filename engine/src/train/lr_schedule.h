#pragma once
// Learning rate of A and B: linear warmup, then cosine decay to lr * minRatio. Gates do not follow it.

namespace l1ra {

// step is 0-based (the step about to be taken). Warmup reaches the peak at its last step, so no step is wasted at lr 0.
double scheduledLearningRate(double peak, int step, int totalSteps, int warmupSteps, double minRatio);

}  // namespace l1ra
