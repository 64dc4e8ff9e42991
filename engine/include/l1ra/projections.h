#pragma once
// The seven projections of a LLaMA decoder layer that can carry an adapter, in the order the engine, its files
// (ranks.jsonl rows, rank snapshots) and the studio's heatmap columns use.
#include "l1ra/api.h"

#include <array>
#include <cstddef>

L1RA_API_BEGIN
namespace l1ra {

constexpr int kProjectionCount = 7;

// Hugging Face's module names (model.layers.N.self_attn.q_proj, ...).
constexpr std::array<const char*, kProjectionCount> kProjectionNames = {"q_proj", "k_proj",  "v_proj",   "o_proj",
                                                                       "gate_proj", "up_proj", "down_proj"};

// Index of (layer, projection) in a layer-major rank vector.
constexpr std::size_t rankCell(int layer, int projection) {
    return std::size_t(layer) * kProjectionCount + std::size_t(projection);
}

}  // namespace l1ra
L1RA_API_END
