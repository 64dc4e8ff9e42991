#pragma once
// Counter-based random bits: word i of the stream keyed by `key` is a pure function of (key, i), so any thread
// can produce any part of a stream and the result does not depend on how the work was split.
#include <cstdint>

namespace l1ra::kernels {

constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;   // splitmix64's Weyl increment
constexpr uint64_t kMixMul1 = 0xBF58476D1CE4E5B9ULL;
constexpr uint64_t kMixMul2 = 0x94D049BB133111EBULL;

// splitmix64's finaliser: a bijection of 64-bit words with full avalanche.
inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * kMixMul1;
    z = (z ^ (z >> 27)) * kMixMul2;
    return z ^ (z >> 31);
}

// Output i (0-based) of splitmix64 started from state `key`.
inline uint64_t streamWord(uint64_t key, uint64_t i) { return mix64(key + (i + 1) * kGoldenGamma); }

}  // namespace l1ra::kernels
