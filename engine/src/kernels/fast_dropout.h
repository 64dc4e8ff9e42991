#pragma once
// Dropout whose mask is a hash of (seed, element index): generated in parallel, reproducible for any thread
// count, recomputed in the backward pass instead of stored. On CUDA the mask comes from the GPU's own generator
// seeded with the same seed instead (seededBernoulliDropout): reproducible on that GPU, not equal to the CPU's.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace l1ra::kernels {

// x ⊙ mask · 1/(1 − p), same shape and dtype as x (returned contiguous); the factor is rounded to x's dtype first,
// as torch.dropout does. Element i of x in row-major order is kept iff 32-bit word i of the stream is
// >= round(p · 2^32): words 2m and 2m+1 are the low and high halves of splitmix64 output m from state mix64(seed).
// Keep rate 1 − p to 2^-32. p = 0 returns x itself; p = 1 returns zeros.
// Fused on CPU for fp32, bf16 and double; on CUDA seededBernoulliDropout; elsewhere the composite path computes
// the same mask with int64 tensor ops. Differentiable in x (on the CPU the backward recomputes the mask from the
// seed). Not autocast-aware: keeps x's dtype.
at::Tensor fastDropout(const at::Tensor& x, double p, uint64_t seed);

// x ⊙ mask · 1/(1 − p) with mask ~ Bernoulli(1 − p) drawn by a private copy of x's device generator seeded with
// `seed` (the default generator's stream does not move). One kernel for the mask where the hash takes ~17 int64
// tensor ops: on CUDA those cost more than a third of a LoRA step (docs/performance.md, "CUDA").
at::Tensor seededBernoulliDropout(const at::Tensor& x, double p, uint64_t seed);

// Composite implementation (int64 tensor ops for the mask, then x * mask * 1/(1 − p)): fallback and reference.
at::Tensor fastDropoutReference(const at::Tensor& x, double p, uint64_t seed);

// The keep mask as a bool tensor [numel] on `device`, built from tensor ops.
at::Tensor dropoutKeepMask(int64_t numel, double p, uint64_t seed, const at::Device& device);

// y += fastDropout(x, p, seed), in place and outside autograd (the mask is fastDropout's on every device): a
// backward pass adds a dropped gradient into one it already holds without a temporary. Same shape and dtype.
void addDropped(const at::Tensor& y, const at::Tensor& x, double p, uint64_t seed);

// A dropout seed per (run seed, step, layer, group): distinct inputs give unrelated seeds, so every layer and
// projection group of every step draws its own mask and a resumed run repeats them.
uint64_t dropoutSeed(uint64_t runSeed, int64_t step, int64_t layer, int64_t group);

}  // namespace l1ra::kernels
