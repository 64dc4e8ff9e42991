#pragma once
// Rank churn of an L1RA run, from its reallocation events: how many ranks moved, how many of the ranks handed
// out were pruned again soon ("ping-pong"), and how old ranks were when they were pruned.
#include "l1ra/api.h"
#include "l1ra/training_events.h"

#include <cstdint>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct ChurnSummary {
    int reallocations = 0;
    int moved = 0;                    // ranks handed out (created) by reallocations
    double movedPerReallocation = 0;
    int maxMoved = 0;                 // the most in one reallocation
    bool agesKnown = false;           // every pruning event recorded its ranks' creation steps
    int pingPongEligible = 0;         // handed-out ranks whose two-interval window ended within the run
    int pingPong = 0;                 // ... pruned again within two intervals of their creation
    double pingPongShare = 0;         // pingPong / pingPongEligible (0 when nothing is eligible)
    int pruned = 0;                   // ranks removed
    int prunedFromStart = 0;          // ... that had been there since the start
    double prunedAgeMean = 0;         // steps from creation to removal
    double prunedAgeMedian = 0;
};

// Pruned ranks in `event` that had been created within the last two intervals (by an earlier reallocation).
int pingPongCount(const ReallocationEvent& event, int interval);

// `interval` is the run's reallocation interval; `lastStep` the last optimizer step the run reached (a rank
// created less than two intervals before it has an open window and counts only if it was already pruned).
ChurnSummary summarizeChurn(const std::vector<ReallocationEvent>& events, int interval, int64_t lastStep);

}  // namespace l1ra
L1RA_API_END
