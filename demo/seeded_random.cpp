#include "seeded_random.h"

namespace l1ra::demo {

uint64_t SeededRandom::next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t SeededRandom::below(uint64_t bound) {
    // Reject the top sliver of the range that would make small values more likely.
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value = next();
    while (value >= limit) value = next();
    return value % bound;
}

uint64_t stableHash(std::string_view text) {
    uint64_t hash = 0xCBF29CE484222325ull;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001B3ull;
    }
    return hash;
}

uint64_t purposeSeed(uint64_t seed, std::string_view purpose) {
    SeededRandom mix(seed ^ stableHash(purpose));
    return mix.next();
}

}  // namespace l1ra::demo
