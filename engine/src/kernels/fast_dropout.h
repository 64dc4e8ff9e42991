#pragma once
// Dropout whose mask is a hash of (seed, element index): generated in parallel, reproducible for any thread
// count and on any device, recomputed in the backward pass instead of stored.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace l1ra::kernels {

// x ⊙ mask · 1/(1 − p), same shape and dtype as x (returned contiguous); the factor is rounded to x's dtype first,
// as torch.dropout does. Element i of x in row-major order is kept iff 32-bit word i of the stream is
// >= round(p · 2^32): words 2m and 2m+1 are the low and high halves of splitmix64 output m from state mix64(seed).
// Keep rate 1 − p to 2^-32. p = 0 returns x itself; p = 1 returns zeros.
// Fused on CPU for fp32, bf16 and double; elsewhere the composite path computes the same mask with int64 tensor
// ops. Differentiable in x (the backward recomputes the mask from the seed). Not autocast-aware: keeps x's dtype.
at::Tensor fastDropout(const at::Tensor& x, double p, uint64_t seed);

// Composite implementation (int64 tensor ops for the mask, then x * mask * 1/(1 − p)): fallback and reference.
at::Tensor fastDropoutReference(const at::Tensor& x, double p, uint64_t seed);

// The keep mask as a bool tensor [numel] on `device`, built from tensor ops.
at::Tensor dropoutKeepMask(int64_t numel, double p, uint64_t seed, const at::Device& device);

// A dropout seed per (run seed, step, layer, group): distinct inputs give unrelated seeds, so every layer and
// projection group of every step draws its own mask and a resumed run repeats them.
uint64_t dropoutSeed(uint64_t runSeed, int64_t step, int64_t layer, int64_t group);

}  // namespace l1ra::kernels
