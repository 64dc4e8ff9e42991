#include "train/rank_allocator.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace l1ra {

namespace {

struct PruneChoice {
    std::vector<std::vector<bool>> pruned;   // [adapter][rank]
    std::vector<bool> dead;                  // the adapter had a gate below the threshold
    std::vector<bool> cappedHere;            // ... and keeps one because of maxPruned
    int capped = 0;
};

// 1. Ranks whose gate fell under the threshold, every adapter keeping one, at most maxPruned of them.
PruneChoice choosePruned(const std::vector<std::vector<float>>& gates, const AllocatorOptions& options) {
    PruneChoice c;
    c.pruned.resize(gates.size());
    c.dead.assign(gates.size(), false);
    c.cappedHere.assign(gates.size(), false);
    std::vector<std::tuple<float, std::size_t, int>> below;   // gate, adapter, rank
    for (std::size_t i = 0; i < gates.size(); ++i) {
        const auto& g = gates[i];
        c.pruned[i].assign(g.size(), false);
        std::vector<int> weak;
        for (int k = 0; k < int(g.size()); ++k)
            if (g[std::size_t(k)] < options.threshold) weak.push_back(k);
        c.dead[i] = !weak.empty();
        if (!weak.empty() && weak.size() == g.size()) {
            const int kept = options.keepStrongest ? int(std::max_element(g.begin(), g.end()) - g.begin()) : int(g.size()) - 1;
            weak.erase(std::find(weak.begin(), weak.end(), kept));
        }
        for (int k : weak) below.emplace_back(g[std::size_t(k)], i, k);
    }
    if (options.maxPruned >= 0 && int(below.size()) > options.maxPruned) {
        std::stable_sort(below.begin(), below.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
        c.capped = int(below.size()) - options.maxPruned;
        for (std::size_t j = std::size_t(options.maxPruned); j < below.size(); ++j) c.cappedHere[std::get<1>(below[j])] = true;
        below.resize(std::size_t(options.maxPruned));
    }
    for (const auto& [gate, i, k] : below) c.pruned[i][std::size_t(k)] = true;
    return c;
}

// 3. A budget below what survives: drop the lowest gates first, never an adapter's last rank.
void dropLowestGates(const std::vector<std::vector<float>>& gates, ReallocationPlan& plan, std::vector<bool>& lostRanks, int& toAdd) {
    const std::size_t n = gates.size();
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
}

// 4.-5. Candidates (adapters that lost nothing, or all without exclude_pruned), highest minimum gate first;
// freed ranks go round-robin down that list, one at a time.
void handOut(const std::vector<std::vector<float>>& gates, ReallocationPlan& plan, const std::vector<bool>& lostRanks, int toAdd,
             const AllocatorOptions& options) {
    const std::size_t n = gates.size();
    auto minGate = [&](std::size_t i) {
        float m = 1e30f;
        if (options.orderBySurvivors) {
            for (int k : plan.adapters[i].keep) m = std::min(m, gates[i][std::size_t(k)]);
        } else {
            for (float g : gates[i]) m = std::min(m, g);
        }
        return m;
    };
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < n; ++i)
        if (!options.excludePruned || !lostRanks[i]) candidates.push_back(i);
    if (candidates.empty()) {
        if (!options.fallBackToAll) return;   // the reference: the freed ranks are lost
        // Every adapter lost ranks: rather than let the budget leak away, all adapters are candidates.
        candidates.resize(n);
        std::iota(candidates.begin(), candidates.end(), std::size_t(0));
        plan.fellBackToAll = true;
    }
    std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) { return minGate(a) > minGate(b); });
    for (int k = 0; k < toAdd; ++k) plan.adapters[candidates[std::size_t(k) % candidates.size()]].added += 1;
}

}  // namespace

ReallocationPlan planReallocation(const std::vector<std::vector<float>>& gates, int budget, const AllocatorOptions& options) {
    const std::size_t n = gates.size();
    ReallocationPlan plan;
    plan.adapters.resize(n);
    if (n == 0) return plan;
    int currentTotal = 0;
    for (const auto& g : gates) currentTotal += int(g.size());
    budget = std::max(budget, int(n));

    const PruneChoice choice = choosePruned(gates, options);
    plan.capped = choice.capped;
    std::vector<bool> lostRanks(n, false);
    int remaining = 0;
    for (std::size_t i = 0; i < n; ++i) {
        AdapterPlan& a = plan.adapters[i];
        for (int k = 0; k < int(gates[i].size()); ++k)
            if (!choice.pruned[i][std::size_t(k)]) a.keep.push_back(k);
        a.pruned = int(gates[i].size()) - int(a.keep.size());
        // An adapter still holding a rank under the threshold (its last, or one the cap spared) does not receive.
        lostRanks[i] = a.pruned > 0 || choice.cappedHere[i] || (!options.deadSingleRankReceives && choice.dead[i]);
        remaining += int(a.keep.size());
    }

    // 2. How many ranks to hand out (or take away) to reach the budget.
    int target = budget;
    if (!options.reassign) target = budget < remaining ? budget : remaining + std::max(0, budget - currentTotal);
    int toAdd = target - remaining;
    dropLowestGates(gates, plan, lostRanks, toAdd);
    if (toAdd > 0) handOut(gates, plan, lostRanks, toAdd, options);

    for (const auto& a : plan.adapters) {
        plan.pruned += a.pruned;
        plan.added += a.added;
        plan.budget += a.rankAfter();
    }
    return plan;
}

}  // namespace l1ra
