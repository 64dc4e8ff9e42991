#include "rank_allocator.h"

#include <algorithm>
#include <numeric>

namespace l1ra {

ReallocationPlan planReallocation(const std::vector<std::vector<float>>& gates, int budget, const AllocatorOptions& options) {
    const std::size_t n = gates.size();
    ReallocationPlan plan;
    plan.adapters.resize(n);
    if (n == 0) return plan;
    int currentTotal = 0;
    for (const auto& g : gates) currentTotal += int(g.size());
    budget = std::max(budget, int(n));

    // 1. Prune ranks whose gate fell under the threshold; every adapter keeps at least its strongest rank.
    std::vector<bool> lostRanks(n, false);
    int remaining = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& g = gates[i];
        AdapterPlan& a = plan.adapters[i];
        for (int k = 0; k < int(g.size()); ++k)
            if (!(g[std::size_t(k)] < options.threshold)) a.keep.push_back(k);
        if (a.keep.empty() && !g.empty())
            a.keep.push_back(int(std::max_element(g.begin(), g.end()) - g.begin()));
        a.pruned = int(g.size()) - int(a.keep.size());
        lostRanks[i] = a.pruned > 0;
        remaining += int(a.keep.size());
    }

    // 2. How many ranks to hand out (or take away) to reach the budget.
    int target = budget;
    if (!options.reassign) target = budget < remaining ? budget : remaining + std::max(0, budget - currentTotal);
    int toAdd = target - remaining;

    // 3. A budget below what survives: drop the lowest gates first, never an adapter's last rank.
    while (toAdd < 0) {
        std::size_t worstAdapter = n;
        int worstPos = -1;
        float worstGate = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const AdapterPlan& a = plan.adapters[i];
            if (a.keep.size() <= 1) continue;
            for (int pos = 0; pos < int(a.keep.size()); ++pos) {
                const float g = gates[i][std::size_t(a.keep[std::size_t(pos)])];
                if (worstAdapter == n || g < worstGate) {
                    worstAdapter = i;
                    worstPos = pos;
                    worstGate = g;
                }
            }
        }
        if (worstAdapter == n) break;   // every adapter is at one rank
        AdapterPlan& a = plan.adapters[worstAdapter];
        a.keep.erase(a.keep.begin() + worstPos);
        a.pruned += 1;
        lostRanks[worstAdapter] = true;
        ++toAdd;
    }

    // 4. Candidates: adapters that lost nothing (or all, without exclude_pruned), highest minimum gate first.
    if (toAdd > 0) {
        auto minGate = [&](std::size_t i) {
            float m = 1e30f;
            for (int k : plan.adapters[i].keep) m = std::min(m, gates[i][std::size_t(k)]);
            return m;
        };
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < n; ++i)
            if (!options.excludePruned || !lostRanks[i]) candidates.push_back(i);
        if (candidates.empty()) {
            // Every adapter lost ranks: rather than let the budget leak away, all adapters are candidates.
            candidates.resize(n);
            std::iota(candidates.begin(), candidates.end(), std::size_t(0));
            plan.fellBackToAll = true;
        }
        std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) { return minGate(a) > minGate(b); });
        // 5. Round-robin down the list, one rank at a time.
        for (int k = 0; k < toAdd; ++k) plan.adapters[candidates[std::size_t(k) % candidates.size()]].added += 1;
    }

    for (const auto& a : plan.adapters) {
        plan.pruned += a.pruned;
        plan.added += a.added;
        plan.budget += a.rankAfter();
    }
    return plan;
}

}  // namespace l1ra
