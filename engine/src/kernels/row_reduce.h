#pragma once
// Reductions of a row that vectorise without -ffast-math: each of kLanes accumulators takes every kLanes-th
// element, so the compiler keeps them in vector registers; the lanes are combined pairwise at the end. The
// result depends only on the values and n, never on the thread count.
// They read plain fp32/double arrays: kernels widen bf16 rows into a scratch buffer first (a plain loop, which
// vectorises at any width), because reductions that convert while they load vectorise poorly.
#include <algorithm>
#include <cstdint>
#include <limits>

namespace l1ra::kernels {

constexpr int64_t kLanes = 16;

// Σ_{j<n} v[j]
template <typename A> inline A laneSum(const A* __restrict v, int64_t n) {
    A acc[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int64_t l = 0; l < kLanes; ++l) acc[l] += v[j + l];
    A tail = 0;
    for (; j < n; ++j) tail += v[j];
    for (int64_t w = kLanes / 2; w > 0; w /= 2)
        for (int64_t l = 0; l < w; ++l) acc[l] += acc[l + w];
    return acc[0] + tail;
}

// max_{j<n} v[j]; -inf when n == 0 (NaN elements are skipped: the caller's later arithmetic propagates them)
template <typename A> inline A laneMax(const A* __restrict v, int64_t n) {
    A acc[kLanes];
    for (int64_t l = 0; l < kLanes; ++l) acc[l] = -std::numeric_limits<A>::infinity();
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int64_t l = 0; l < kLanes; ++l) acc[l] = acc[l] < v[j + l] ? v[j + l] : acc[l];
    A tail = -std::numeric_limits<A>::infinity();
    for (; j < n; ++j) tail = tail < v[j] ? v[j] : tail;
    for (int64_t w = kLanes / 2; w > 0; w /= 2)
        for (int64_t l = 0; l < w; ++l) acc[l] = acc[l] < acc[l + w] ? acc[l + w] : acc[l];
    return acc[0] < tail ? tail : acc[0];
}

}  // namespace l1ra::kernels
