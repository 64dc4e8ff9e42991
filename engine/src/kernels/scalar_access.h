#pragma once
// Element access shared by the fused CPU kernels: bf16 is widened to fp32 for arithmetic and rounded back to
// nearest-even exactly as c10::BFloat16 does, written as plain bit operations so that loops vectorise.
#include <ATen/core/Tensor.h>
#include <c10/util/BFloat16.h>

#include <cstdint>
#include <cstring>

namespace l1ra::kernels {

// Arithmetic type: fp32 for fp32 and bf16 storage, double for double (used by the gradient checks).
template <typename T> struct AccumulateType { using type = float; };
template <> struct AccumulateType<double> { using type = double; };
template <typename T> using acc_t = typename AccumulateType<T>::type;

inline float load(float v) { return v; }
inline double load(double v) { return v; }
// bf16 goes through memcpy of its 16 bits: member access on the struct keeps GCC from vectorising some loops.
inline float load(c10::BFloat16 v) {
    uint16_t half;
    std::memcpy(&half, &v, sizeof half);
    const uint32_t bits = uint32_t(half) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

inline void store(float* p, float v) { *p = v; }
inline void store(double* p, double v) { *p = v; }
inline void store(c10::BFloat16* p, float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    // NaN becomes the quiet NaN 0x7FC0, as in c10; selected with a bit mask (a branch would stop vectorisation).
    const uint32_t nan = 0u - uint32_t((bits & 0x7FFFFFFFu) > 0x7F800000u);
    const uint16_t half = uint16_t((rounded & ~nan) | (0x7FC0u & nan));
    std::memcpy(static_cast<void*>(p), &half, sizeof half);
}

// v rounded to the precision of T and widened again: the value a tensor of dtype T would hold.
template <typename T> inline acc_t<T> roundTo(acc_t<T> v) {
    T t;
    store(&t, v);
    return load(t);
}

// True when the fused kernels handle tensors of this device and dtype; everything else (CUDA, fp16, ...) takes
// the composite path.
inline bool fusedDtype(at::ScalarType s) { return s == at::kFloat || s == at::kBFloat16 || s == at::kDouble; }
inline bool onFusedPath(const at::Tensor& t) { return t.device().is_cpu() && fusedDtype(t.scalar_type()); }

}  // namespace l1ra::kernels
