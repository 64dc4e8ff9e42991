#pragma once
// Reproducible randomness. std::shuffle and the std distributions are implementation-defined, so the same
// seed could give another split with another standard library; these are spelled out here instead.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace l1ra::demo {

// SplitMix64: tiny, fast, and good enough to shuffle a few hundred thousand documents.
class SeededRandom {
public:
    explicit SeededRandom(uint64_t seed) : state_(seed) {}
    uint64_t next();
    uint64_t below(uint64_t bound);   // uniform in [0, bound), bound > 0, without modulo bias

private:
    uint64_t state_;
};

// FNV-1a: a hash of text that is the same on every platform and in every run.
uint64_t stableHash(std::string_view text);

// A seed for one purpose ("corpus", "task:quiz", ...) derived from the user's seed, so changing how one
// part is shuffled never changes another.
uint64_t purposeSeed(uint64_t seed, std::string_view purpose);

// Fisher-Yates with SeededRandom.
template <typename T>
void seededShuffle(std::vector<T>& items, uint64_t seed) {
    SeededRandom random(seed);
    for (std::size_t i = items.size(); i > 1; --i) {
        const std::size_t j = std::size_t(random.below(i));
        std::swap(items[i - 1], items[j]);
    }
}

}  // namespace l1ra::demo
