#include "log/rank_heatmap_png.h"

#include "l1ra/training_events.h"
#include "log/png_encoder.h"
#include "l1ra/projections.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace l1ra {

namespace {

using Rgb = std::array<uint8_t, 3>;

// A dark-blue -> teal -> yellow ramp (perceptually ordered, readable on TensorBoard's white page).
Rgb rampColor(double t) {
    static const Rgb stops[] = {{32, 18, 77}, {33, 145, 140}, {253, 231, 37}};
    t = std::clamp(t, 0.0, 1.0) * 2;
    const int i = std::min(int(t), 1);
    const double f = t - i;
    Rgb c;
    for (int k = 0; k < 3; ++k) c[k] = uint8_t(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f + 0.5);
    return c;
}

}  // namespace

std::string rankHeatmapPng(const RankSnapshot& s) {
    const int projections = kProjectionCount, layers = std::max(1, s.numLayers);
    const int width = projections * kHeatmapCellPixels, height = layers * kHeatmapCellPixels;
    int maxRank = 1;
    for (int r : s.ranks) maxRank = std::max(maxRank, r);
    std::vector<uint8_t> rgb(std::size_t(width) * height * 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const std::size_t cell = std::size_t(y / kHeatmapCellPixels) * projections + x / kHeatmapCellPixels;
            const bool targeted = cell < s.targeted.size() ? bool(s.targeted[cell]) : cell < s.ranks.size();
            const Rgb c = !targeted ? Rgb{200, 200, 200} : rampColor(cell < s.ranks.size() ? double(s.ranks[cell]) / maxRank : 0.0);
            std::copy(c.begin(), c.end(), rgb.begin() + (std::size_t(y) * width + x) * 3);
        }
    return encodePng(width, height, rgb);
}

}  // namespace l1ra
