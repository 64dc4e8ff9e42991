#pragma once
// Picking the next token from logits: greedy, or temperature with nucleus (top-p) filtering. No torch.
#include <cstdint>
#include <random>

namespace l1ra {

// temperature <= 0 -> argmax. Otherwise softmax(logits / temperature), keep the smallest set of most likely
// tokens whose probability reaches topP, renormalise and draw with `rng`.
int64_t sampleToken(const float* logits, int64_t vocab, double temperature, double topP, std::mt19937_64& rng);

}  // namespace l1ra
