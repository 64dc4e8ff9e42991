#pragma once
// Small builders of engine event structs for the widget suites.
#include "l1ra/training_events.h"

#include <vector>

namespace l1ra::ui::test {

// Every adapter at `rank`, gates all at 1; untargeted projections (by index) hold rank 0.
inline RankSnapshot uniformSnapshot(int layers, int rank, std::vector<int> untargetedProjections = {}, int64_t step = 0) {
    RankSnapshot s;
    s.step = step;
    s.numLayers = layers;
    s.initialRank = rank;
    const std::size_t cells = std::size_t(layers * 7);
    s.ranks.assign(cells, rank);
    s.targeted.assign(cells, true);
    s.gateMass.assign(cells, double(rank));
    s.gateMin.assign(cells, 1.0);
    s.gateMean.assign(cells, 1.0);
    for (int l = 0; l < layers; ++l) {
        for (int p : untargetedProjections) {
            const std::size_t i = std::size_t(l * 7 + p);
            s.ranks[i] = 0;
            s.targeted[i] = false;
            s.gateMass[i] = s.gateMin[i] = s.gateMean[i] = 0;
        }
    }
    s.budget = s.total();
    return s;
}

inline void setRank(RankSnapshot& s, int layer, int projection, int rank, double gateMass) {
    const std::size_t i = std::size_t(layer * 7 + projection);
    s.ranks[i] = rank;
    s.gateMass[i] = gateMass;
    s.gateMean[i] = rank > 0 ? gateMass / rank : 0;
    s.gateMin[i] = rank > 0 ? s.gateMean[i] / 2 : 0;
}

inline RankMove move(int layer, int projection, int before, int after) {
    RankMove m;
    m.layer = layer;
    m.projection = projection;
    m.before = before;
    m.after = after;
    m.pruned = before > after ? before - after : 0;
    m.added = after > before ? after - before : 0;
    return m;
}

}  // namespace l1ra::ui::test
