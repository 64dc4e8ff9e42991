// The rank allocator on plain vectors: threshold, keep-one, round-robin order, exclude_pruned, no candidates,
// budget raise and lower; the budget is conserved exactly.
#include "train/rank_allocator.h"

#include <QtTest>

#include <numeric>
#include <random>

using namespace l1ra;

namespace {
int total(const ReallocationPlan& p) {
    int t = 0;
    for (const auto& a : p.adapters) t += a.rankAfter();
    return t;
}
AllocatorOptions opts(double threshold, bool reassign = true, bool exclude = true) {
    AllocatorOptions o;
    o.threshold = threshold;
    o.reassign = reassign;
    o.excludePruned = exclude;
    return o;
}
}  // namespace

class TestRankAllocator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nothingBelowThresholdChangesNothing() {
        const auto p = planReallocation({{0.5f, 0.9f}, {1.0f, 0.2f}}, 4, opts(0.1));
        QCOMPARE(p.pruned, 0);
        QCOMPARE(p.added, 0);
        QCOMPARE(p.adapters[0].keep, (std::vector<int>{0, 1}));
        QCOMPARE(p.adapters[1].keep, (std::vector<int>{0, 1}));
        QCOMPARE(p.budget, 4);
    }

    void prunesStrictlyBelowThreshold() {
        // 0.1 is not below 0.1: kept. 0.0999 is.
        const auto p = planReallocation({{0.1f, 0.0999f, 0.5f}, {0.7f, 0.8f, 0.9f}}, 6, opts(0.1));
        QCOMPARE(p.adapters[0].keep, (std::vector<int>{0, 2}));
        QCOMPARE(p.adapters[0].pruned, 1);
        QCOMPARE(p.adapters[1].added, 1);
        QCOMPARE(total(p), 6);
    }

    void keepsAtLeastOneRank() {
        const auto p = planReallocation({{0.0f, 0.01f, 0.001f}, {0.9f, 0.9f, 0.9f}}, 6, opts(0.5));
        QCOMPARE(p.adapters[0].keep, (std::vector<int>{1}));   // the strongest of the weak survives
        QCOMPARE(p.adapters[0].pruned, 2);
        QCOMPARE(p.adapters[1].added, 2);
        QCOMPARE(total(p), 6);
    }

    void roundRobinByMinimumGateHighestFirst() {
        // Adapter 0 frees 4 ranks; candidates 1..3 ordered by their minimum gate: 3 (0.9) > 1 (0.6) > 2 (0.3).
        const auto p = planReallocation({{0.0f, 0.0f, 0.0f, 0.0f, 0.8f}, {0.6f, 0.7f}, {0.3f, 1.0f}, {0.9f, 0.95f}}, 11, opts(0.05));
        QCOMPARE(p.adapters[0].pruned, 4);
        QCOMPARE(p.adapters[3].added, 2);   // first and fourth rank
        QCOMPARE(p.adapters[1].added, 1);
        QCOMPARE(p.adapters[2].added, 1);
        QCOMPARE(p.adapters[0].added, 0);
        QCOMPARE(total(p), 11);
    }

    void roundRobinOrderIsExact() {
        // Two freed ranks go to the two best candidates, not both to the best.
        const auto p = planReallocation({{0.0f, 0.0f, 0.5f}, {0.2f}, {0.4f}, {0.3f}}, 6, opts(0.1));
        QCOMPARE(p.adapters[2].added, 1);
        QCOMPARE(p.adapters[3].added, 1);
        QCOMPARE(p.adapters[1].added, 0);
    }

    void excludePrunedOnAndOff() {
        const std::vector<std::vector<float>> g = {{0.0f, 0.9f}, {0.95f, 0.99f}, {0.05f, 0.97f}};
        // On: adapter 0 and 2 lost ranks, so adapter 1 gets both.
        const auto on = planReallocation(g, 6, opts(0.1, true, true));
        QCOMPARE(on.adapters[1].added, 2);
        QCOMPARE(on.adapters[0].added + on.adapters[2].added, 0);
        // Off: all adapters are candidates, ordered by min surviving gate: 2 (0.97) > 1 (0.95) > 0 (0.9).
        const auto off = planReallocation(g, 6, opts(0.1, true, false));
        QCOMPARE(off.adapters[2].added, 1);
        QCOMPARE(off.adapters[1].added, 1);
        QCOMPARE(off.adapters[0].added, 0);
        QCOMPARE(total(off), 6);
    }

    void noCandidatesFallsBackToAllAndConserves() {
        const auto p = planReallocation({{0.0f, 0.8f}, {0.01f, 0.9f}}, 4, opts(0.1));
        QVERIFY(p.fellBackToAll);
        QCOMPARE(p.adapters[1].added, 1);   // higher minimum gate first
        QCOMPARE(p.adapters[0].added, 1);
        QCOMPARE(total(p), 4);
    }

    void reassignOffPrunesOnly() {
        const auto p = planReallocation({{0.0f, 0.8f}, {0.9f, 0.9f}}, 4, opts(0.1, false));
        QCOMPARE(p.pruned, 1);
        QCOMPARE(p.added, 0);
        QCOMPARE(p.budget, 3);
        // A raise is still honoured without reassignment.
        const auto raised = planReallocation({{0.0f, 0.8f}, {0.9f, 0.9f}}, 6, opts(0.1, false));
        QCOMPARE(raised.added, 2);
        QCOMPARE(raised.budget, 5);
    }

    void budgetRaiseAddsToCandidates() {
        const auto p = planReallocation({{0.5f, 0.6f}, {0.9f, 0.8f}}, 7, opts(0.1));
        QCOMPARE(p.pruned, 0);
        QCOMPARE(p.added, 3);
        QCOMPARE(p.adapters[1].added, 2);   // min 0.8 > 0.5: first and third
        QCOMPARE(p.adapters[0].added, 1);
        QCOMPARE(total(p), 7);
    }

    void budgetLowerDropsLowestGatesFirst() {
        const auto p = planReallocation({{0.5f, 0.2f, 0.9f}, {0.3f, 0.8f}, {0.1f}}, 3, opts(0.01));
        // 6 ranks, budget 3: drop 0.2, 0.3, then 0.5 (0.1 is adapter 2's last rank and stays).
        QCOMPARE(p.adapters[0].keep, (std::vector<int>{2}));
        QCOMPARE(p.adapters[1].keep, (std::vector<int>{1}));
        QCOMPARE(p.adapters[2].keep, (std::vector<int>{0}));
        QCOMPARE(p.added, 0);
        QCOMPARE(total(p), 3);
    }

    void budgetBelowAdapterCountIsRaisedToIt() {
        const auto p = planReallocation({{0.5f, 0.2f}, {0.3f, 0.8f}}, 1, opts(0.01));
        QCOMPARE(total(p), 2);
    }

    void budgetConservedOnRandomInputs() {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(0, 1);
        for (int trial = 0; trial < 500; ++trial) {
            const int n = 1 + int(rng() % 20);
            std::vector<std::vector<float>> g(static_cast<std::size_t>(n));
            int sum = 0;
            for (auto& a : g) {
                a.resize(1 + rng() % 8);
                for (auto& x : a) x = u(rng) < 0.3f ? u(rng) * 0.01f : u(rng);
                sum += int(a.size());
            }
            const int budget = std::max(n, sum + int(rng() % 11) - 5);
            AllocatorOptions o = opts(0.005, true, rng() % 2 == 0);
            o.keepStrongest = rng() % 2 == 0;
            o.deadSingleRankReceives = rng() % 2 == 0;
            o.orderBySurvivors = rng() % 2 == 0;
            o.maxPruned = int(rng() % 6) - 1;
            const auto p = planReallocation(g, budget, o);
            QCOMPARE(total(p), budget);
            QCOMPARE(p.budget, budget);
            for (std::size_t i = 0; i < g.size(); ++i) {
                QVERIFY(p.adapters[i].rankAfter() >= 1);
                QVERIFY(std::is_sorted(p.adapters[i].keep.begin(), p.adapters[i].keep.end()));
            }
        }
    }
    // The switches that reproduce the reference code's choices (docs/l1ra.md).
    void allDeadKeepsTheStrongestOrTheLast() {
        const std::vector<std::vector<float>> g = {{0.02f, 0.05f, 0.01f}, {0.9f, 0.9f}};
        QCOMPARE(planReallocation(g, 5, opts(0.1)).adapters[0].keep, (std::vector<int>{1}));
        AllocatorOptions reference = opts(0.1);
        reference.keepStrongest = false;
        QCOMPARE(planReallocation(g, 5, reference).adapters[0].keep, (std::vector<int>{2}));
    }

    void aDeadSingleRankIsACandidateUnlessTheReferenceRule() {
        // Adapter 0 frees two ranks; adapter 1's only gate is dead, adapter 2 is healthy.
        const std::vector<std::vector<float>> g = {{0.0f, 0.0f, 0.7f}, {0.05f}, {0.6f}};
        const auto ours = planReallocation(g, 5, opts(0.1));
        QCOMPARE(ours.adapters[1].pruned, 0);
        QCOMPARE(ours.adapters[2].added, 1);
        QCOMPARE(ours.adapters[1].added, 1);   // round-robin reaches it (it sorts last)
        AllocatorOptions reference = opts(0.1);
        reference.deadSingleRankReceives = false;
        const auto theirs = planReallocation(g, 5, reference);
        QCOMPARE(theirs.adapters[1].added, 0);
        QCOMPARE(theirs.adapters[2].added, 2);
        QCOMPARE(total(theirs), 5);
    }

    void candidateOrderBySurvivorsOrByAllGates() {
        const std::vector<std::vector<float>> g = {{0.0f, 0.9f}, {0.95f, 0.99f}, {0.05f, 0.97f}};
        AllocatorOptions reference = opts(0.1, true, false);
        reference.orderBySurvivors = false;
        // Before pruning the smallest gates are 0 (adapter 0), 0.95 (1), 0.05 (2): 1 first, then 2.
        const auto p = planReallocation(g, 6, reference);
        QCOMPARE(p.adapters[1].added, 1);
        QCOMPARE(p.adapters[2].added, 1);
        QCOMPARE(p.adapters[0].added, 0);
        QCOMPARE(total(p), 6);
    }

    void withoutFallbackTheFreedRanksAreDropped() {
        AllocatorOptions reference = opts(0.1);
        reference.fallBackToAll = false;
        const auto p = planReallocation({{0.0f, 0.8f}, {0.01f, 0.9f}}, 4, reference);
        QVERIFY(!p.fellBackToAll);
        QCOMPARE(p.added, 0);
        QCOMPARE(p.budget, 2);
    }

    void aCapPrunesTheLowestGatesFirstAndConserves() {
        // Five gates under the threshold, a cap of 2: the two lowest go (0.001 in adapter 1, 0.002 in adapter 0).
        const std::vector<std::vector<float>> g = {{0.002f, 0.04f, 0.9f}, {0.03f, 0.001f, 0.8f}, {0.05f, 0.7f}, {0.6f, 0.5f}};
        AllocatorOptions o = opts(0.1);
        o.maxPruned = 2;
        const auto p = planReallocation(g, 10, o);
        QCOMPARE(p.pruned, 2);
        QCOMPARE(p.capped, 3);
        QCOMPARE(p.adapters[0].keep, (std::vector<int>{1, 2}));
        QCOMPARE(p.adapters[1].keep, (std::vector<int>{0, 2}));
        // Adapter 2 still holds a gate under the threshold: it receives nothing; adapter 3 gets both.
        QCOMPARE(p.adapters[2].added, 0);
        QCOMPARE(p.adapters[3].added, 2);
        QCOMPARE(total(p), 10);
        o.maxPruned = 0;
        QCOMPARE(planReallocation(g, 10, o).pruned, 0);
    }
};

QTEST_GUILESS_MAIN(TestRankAllocator)
#include "tst_rank_allocator.moc"
