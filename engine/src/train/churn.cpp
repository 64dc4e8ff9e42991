#include "l1ra/churn.h"

#include <algorithm>
#include <map>

namespace l1ra {

int pingPongCount(const ReallocationEvent& event, int interval) {
    int n = 0;
    for (const RankMove& m : event.moves)
        for (int64_t born : m.prunedBorn)
            if (born > 0 && event.step - born <= 2 * int64_t(interval)) ++n;
    return n;
}

ChurnSummary summarizeChurn(const std::vector<ReallocationEvent>& events, int interval, int64_t lastStep) {
    ChurnSummary c;
    c.reallocations = int(events.size());
    c.agesKnown = true;
    std::map<int64_t, int> pingPongByBirth;   // creation step -> ranks created then and pruned within the window
    std::vector<int64_t> ages;
    for (const ReallocationEvent& e : events) {
        c.moved += e.added;
        c.maxMoved = std::max(c.maxMoved, e.added);
        c.pruned += e.pruned;
        if (e.pruned > 0 && !e.hasRankAges) c.agesKnown = false;
        for (const RankMove& m : e.moves)
            for (int64_t born : m.prunedBorn) {
                ages.push_back(e.step - born);
                if (born == 0) ++c.prunedFromStart;
                else if (e.step - born <= 2 * int64_t(interval)) ++pingPongByBirth[born];
            }
    }
    if (c.reallocations > 0) c.movedPerReallocation = double(c.moved) / c.reallocations;
    for (const ReallocationEvent& e : events) {
        const int early = pingPongByBirth.count(e.step) ? pingPongByBirth[e.step] : 0;
        const bool windowClosed = e.step + 2 * int64_t(interval) <= lastStep;
        c.pingPong += early;
        c.pingPongEligible += windowClosed ? e.added : early;
    }
    if (c.pingPongEligible > 0) c.pingPongShare = double(c.pingPong) / c.pingPongEligible;
    if (!ages.empty()) {
        double sum = 0;
        for (int64_t a : ages) sum += double(a);
        c.prunedAgeMean = sum / double(ages.size());
        std::sort(ages.begin(), ages.end());
        const std::size_t mid = ages.size() / 2;
        c.prunedAgeMedian = ages.size() % 2 ? double(ages[mid]) : 0.5 * double(ages[mid - 1] + ages[mid]);
    }
    if (!c.agesKnown) {   // runs recorded before rank ages were: no ping-pong figure
        c.pingPong = c.pingPongEligible = 0;
        c.pingPongShare = 0;
    }
    return c;
}

}  // namespace l1ra
