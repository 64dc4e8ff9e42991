#pragma once
// A frozen weight matrix of the base model: dense, or quantised (int8 per row, or NF4 in blocks of 64 as in
// QLoRA) and dequantised on use. The model and the projection nodes take this type, so that a quantised base
// never holds a dense copy of a weight beyond the product that reads it (docs/engine.md, "Quantised base").
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>

namespace l1ra::kernels {

enum class WeightFormat { Dense, Int8, NF4 };

constexpr int64_t kNF4BlockSize = 64;        // weights sharing one absmax (row-major order, across rows)
constexpr int64_t kNF4ScaleGroupSize = 256;  // absmax values sharing one scale under double quantisation

// The 16 NF4 levels (QLoRA, Dettmers et al. 2023): quantiles of N(0, 1) scaled to [-1, 1], with an exact 0.
const std::array<float, 16>& nf4Levels();

struct FrozenWeight {
    WeightFormat format = WeightFormat::Dense;
    int64_t rows = 0, cols = 0;
    at::ScalarType dtype = at::kFloat;   // of the dense tensor, and what dequantisation produces
    at::Tensor dense;         // Dense: [rows, cols]
    at::Tensor codes;         // Int8: [rows, cols] int8. NF4: [ceil(rows·cols / 2)] uint8, element 2i in the low nibble
    at::Tensor scales;        // Int8: [rows] f32 (absmax / 127). NF4: [blocks] f32 absmax, or int8 codes of it (double quantisation)
    at::Tensor scaleScales;   // NF4 with double quantisation: [ceil(blocks / 256)] f32
    double scaleOffset = 0;   // NF4 with double quantisation: the mean absmax, subtracted before quantising it

    bool defined() const { return format != WeightFormat::Dense || dense.defined(); }
    bool quantized() const { return format != WeightFormat::Dense; }
    bool doubleQuantized() const { return format == WeightFormat::NF4 && scaleScales.defined(); }
    int64_t bytes() const;    // memory it holds
    at::Device device() const { return quantized() ? codes.device() : dense.device(); }
};

FrozenWeight denseWeight(const at::Tensor& w);   // [rows, cols]
// Quantises w [rows, cols] (any floating dtype, read in fp32); `dtype` is what dequantisation will produce.
FrozenWeight quantizeWeight(const at::Tensor& w, WeightFormat format, at::ScalarType dtype, bool doubleQuant = true);
// The same weight on another device (quantised tensors moved as they are).
FrozenWeight moveWeight(const FrozenWeight& weight, at::Device device);
// The dense matrix [rows, cols] in weight.dtype: the tensor itself when dense, a new one when quantised (fused
// on the CPU, LibTorch operations elsewhere).
at::Tensor materialize(const FrozenWeight& weight);
// The per-block absmax an NF4 weight dequantises with (double quantisation undone) [blocks] f32.
at::Tensor nf4BlockAbsmax(const FrozenWeight& weight);
// Dequantisation as LibTorch operations (CUDA's path, and the CPU kernel's reference), rows in chunks so that the
// temporaries stay small.
at::Tensor materializeReference(const FrozenWeight& weight);

}  // namespace l1ra::kernels
