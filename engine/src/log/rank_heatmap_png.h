#pragma once
// A rank snapshot drawn as a small PNG (rows = layers from the top, columns = q k v o gate up down), for
// TensorBoard's image tab: rank 0 dark, the snapshot's largest rank bright, untargeted projections grey.
#include <string>

namespace l1ra {

struct RankSnapshot;

constexpr int kHeatmapCellPixels = 10;

std::string rankHeatmapPng(const RankSnapshot& snapshot);

}  // namespace l1ra
