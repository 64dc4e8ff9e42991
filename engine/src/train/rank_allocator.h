#pragma once
// L1RA's rank reallocation as a pure function (DESIGN.md section 1): gates and a budget in, a plan out.
// No torch here; the adapter code only applies the plan. Where the reference code chose differently, a switch
// reproduces its choice (docs/l1ra.md lists them).
#include <vector>

namespace l1ra {

struct AllocatorOptions {
    double threshold = 1e-6;     // ranks whose gate is below this are pruned
    bool reassign = true;        // hand freed ranks to other adapters (off = prune only)
    bool excludePruned = true;   // adapters that lost ranks this round receive none
    // An adapter whose gates are all below the threshold keeps its strongest rank (true) or its last one
    // (false, the reference).
    bool keepStrongest = true;
    // An adapter with a gate below the threshold that lost no rank (its only rank is dead) is still a candidate
    // (true), or counts as pruned and receives none (false, the reference).
    bool deadSingleRankReceives = true;
    // Candidates are ordered by the smallest gate among the ranks they keep (true) or among all their gates
    // before pruning (false, the reference; it matters only without excludePruned).
    bool orderBySurvivors = true;
    // When no adapter qualifies as a candidate, all adapters are (true), or the freed ranks are dropped and the
    // total rank falls (false, the reference).
    bool fallBackToAll = true;
    // At most this many ranks pruned under the threshold in one round, the lowest gates first; < 0 = no cap.
    // (Ranks removed to meet a lowered budget are not counted.)
    int maxPruned = -1;
};

struct AdapterPlan {
    std::vector<int> keep;   // indices of surviving ranks, ascending
    int pruned = 0;          // ranks removed (below threshold, or to meet a lowered budget)
    int added = 0;           // new ranks appended after the survivors
    int rankAfter() const { return int(keep.size()) + added; }
};

struct ReallocationPlan {
    std::vector<AdapterPlan> adapters;
    int pruned = 0;
    int added = 0;
    int budget = 0;          // the total rank after the plan
    bool fellBackToAll = false;   // no adapter qualified as a candidate, so all were
    int capped = 0;          // ranks below the threshold left in place by maxPruned
};

// gates[i] holds adapter i's gate values (its rank = gates[i].size(), at least 1).
// budget is the total rank wanted after this round: the current total keeps it; a raise adds ranks to the
// candidates; a lower value removes the lowest gates first. Every adapter keeps at least one rank, so the
// budget is raised to the number of adapters if it is lower. With reassign off, freed ranks are not handed out
// and the budget shrinks by them (a raise is still honoured).
ReallocationPlan planReallocation(const std::vector<std::vector<float>>& gates, int budget, const AllocatorOptions& options);

}  // namespace l1ra
