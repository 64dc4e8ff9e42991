#pragma once
// Branch-free math for the fused kernels' inner loops: the compiler vectorises loops that call these, where
// calls into libm stay scalar. Each clone of a kernel (see clones.h) gets them inlined for its instruction set.
#include "kernels/scalar_access.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace l1ra::kernels {

// e^x in fp32 to ~1 ulp: e^x = 2^n · e^r with n = round(x / ln 2), |r| <= ln 2 / 2 (Cody-Waite split of ln 2),
// e^r by its degree-7 Taylor polynomial (truncation < 0.1 ulp). Below -87 the result is 0 (fp32 would go
// subnormal), above 88 it saturates at e^88; NaN propagates.
inline float expApprox(float x) {
    // The bound first: std::max(-87, NaN) is -87, so a NaN never reaches the integer conversion below (undefined
    // behaviour, found by UBSan); the NaN itself is returned at the end.
    const float xc = std::min(std::max(-87.0f, x), 88.0f);
    const float shifter = 12582912.0f;   // 1.5 · 2^23: adding and subtracting it rounds to an integer
    const float n = (xc * 1.44269504088896341f + shifter) - shifter;
    const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const uint32_t bits = uint32_t(int32_t(n) + 127) << 23;
    float two;
    std::memcpy(&two, &bits, sizeof two);
    const float y = x < -87.0f ? 0.0f : p * two;
    return x != x ? x : y;
}

// The double path (gradient checks) uses libm.
inline double expApprox(double x) { return std::exp(x); }

template <typename A> inline A sigmoid(A x) { return A(1) / (A(1) + expApprox(-x)); }

}  // namespace l1ra::kernels
