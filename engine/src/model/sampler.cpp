#include "model/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace l1ra {

int64_t sampleToken(const float* logits, int64_t vocab, double temperature, double topP, std::mt19937_64& rng) {
    const int64_t best = std::max_element(logits, logits + vocab) - logits;
    if (temperature <= 0) return best;
    std::vector<double> p(static_cast<std::size_t>(vocab));
    const double top = logits[best];
    double sum = 0;
    for (int64_t i = 0; i < vocab; ++i) sum += p[std::size_t(i)] = std::exp((double(logits[i]) - top) / temperature);
    std::vector<int64_t> order(static_cast<std::size_t>(vocab));
    std::iota(order.begin(), order.end(), 0);
    std::size_t keep = order.size();
    if (topP < 1.0) {
        std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
            return p[std::size_t(a)] > p[std::size_t(b)] || (p[std::size_t(a)] == p[std::size_t(b)] && a < b);
        });
        double cumulative = 0;
        for (keep = 0; keep < order.size();) {
            cumulative += p[std::size_t(order[keep++])] / sum;
            if (cumulative >= topP) break;
        }
    }
    double mass = 0;
    for (std::size_t i = 0; i < keep; ++i) mass += p[std::size_t(order[i])];
    double draw = std::uniform_real_distribution<double>(0.0, mass)(rng);
    for (std::size_t i = 0; i < keep; ++i) {
        draw -= p[std::size_t(order[i])];
        if (draw <= 0) return order[i];
    }
    return order[keep - 1];
}

}  // namespace l1ra
