#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace l1ra {

double scheduledLearningRate(double peak, int step, int totalSteps, int warmupSteps, double minRatio) {
    if (warmupSteps > 0 && step < warmupSteps) return peak * double(step + 1) / double(warmupSteps);
    const int decaySteps = std::max(1, totalSteps - warmupSteps);
    const double progress = std::clamp(double(step - warmupSteps) / double(decaySteps), 0.0, 1.0);
    const double floor = peak * minRatio;
    return floor + (peak - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace l1ra
