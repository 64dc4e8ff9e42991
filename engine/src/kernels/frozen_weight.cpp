#include "kernels/frozen_weight.h"

#include "kernels/clones.h"
#include "kernels/scalar_access.h"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>

namespace l1ra::kernels {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Midpoints between neighbouring NF4 levels: a normalised value's code is the number of midpoints below it.
std::array<float, 15> nf4Midpoints() {
    std::array<float, 15> m{};
    const auto& levels = nf4Levels();
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = 0.5f * (levels[i] + levels[i + 1]);
    return m;
}

// Blocks [begin, end) of a row-major matrix: their absmax and the codes, two a byte.
template <typename T>
L1RA_KERNEL_CLONES void nf4QuantizeBlocks(const T* w, int64_t numel, uint8_t* codes, float* absmax, int64_t begin, int64_t end) {
    const auto mid = nf4Midpoints();
    for (int64_t b = begin; b < end; ++b) {
        const int64_t first = b * kNF4BlockSize, n = std::min(kNF4BlockSize, numel - first);
        float amax = 0;
        for (int64_t j = 0; j < n; ++j) amax = std::max(amax, std::fabs(float(load(w[first + j]))));
        absmax[b] = amax;
        const float inv = amax > 0 ? 1.0f / amax : 0.0f;
        uint8_t nibbles[kNF4BlockSize] = {};
        for (int64_t j = 0; j < n; ++j) {
            const float v = load(w[first + j]) * inv;
            int code = 0;
            for (float m : mid) code += v > m;
            nibbles[j] = uint8_t(code);
        }
        // A block starts at an even element (64 is even): its bytes are its own.
        for (int64_t j = 0; j < n; j += 2) codes[(first + j) / 2] = uint8_t(nibbles[j] | (j + 1 < n ? nibbles[j + 1] << 4 : 0));
    }
}

template <typename T>
L1RA_KERNEL_CLONES void nf4DequantizeBlocks(const uint8_t* codes, const float* absmax, int64_t numel, T* out, int64_t begin,
                                            int64_t end) {
    const auto& levels = nf4Levels();
    for (int64_t b = begin; b < end; ++b) {
        const int64_t first = b * kNF4BlockSize, n = std::min(kNF4BlockSize, numel - first);
        const float s = absmax[b];
        const uint8_t* __restrict c = codes + first / 2;
        T* __restrict o = out + first;
        for (int64_t j = 0; j + 1 < n; j += 2) {
            const uint8_t byte = c[j / 2];
            store(o + j, levels[byte & 15] * s);
            store(o + j + 1, levels[byte >> 4] * s);
        }
        if (n & 1) store(o + n - 1, levels[c[(n - 1) / 2] & 15] * s);
    }
}

template <typename T>
L1RA_KERNEL_CLONES void int8QuantizeRows(const T* w, int64_t cols, int8_t* codes, float* scales, int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
        const T* __restrict row = w + r * cols;
        float amax = 0;
        for (int64_t j = 0; j < cols; ++j) amax = std::max(amax, std::fabs(float(load(row[j]))));
        const float scale = amax / 127.0f, inv = amax > 0 ? 127.0f / amax : 0.0f;
        scales[r] = scale;
        for (int64_t j = 0; j < cols; ++j) codes[r * cols + j] = int8_t(std::nearbyint(std::clamp(float(load(row[j])) * inv, -127.0f, 127.0f)));
    }
}

template <typename T>
L1RA_KERNEL_CLONES void int8DequantizeRows(const int8_t* codes, const float* scales, int64_t cols, T* out, int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
        const float s = scales[r];
        const int8_t* __restrict c = codes + r * cols;
        T* __restrict o = out + r * cols;
        for (int64_t j = 0; j < cols; ++j) store(o + j, float(c[j]) * s);
    }
}

// Double quantisation: absmax − mean in int8, one scale per group of 256 blocks.
void quantizeAbsmax(FrozenWeight& q, const at::Tensor& absmax) {   // absmax [blocks] f32, CPU
    const int64_t blocks = absmax.numel(), groups = ceilDiv(blocks, kNF4ScaleGroupSize);
    const float* a = absmax.data_ptr<float>();
    double sum = 0;
    for (int64_t b = 0; b < blocks; ++b) sum += a[b];
    const float offset = float(blocks > 0 ? sum / double(blocks) : 0.0);
    q.scaleOffset = offset;
    q.scales = at::empty({blocks}, absmax.options().dtype(at::kChar));
    q.scaleScales = at::empty({groups}, absmax.options());
    int8_t* codes = q.scales.data_ptr<int8_t>();
    float* groupScale = q.scaleScales.data_ptr<float>();
    for (int64_t g = 0; g < groups; ++g) {
        const int64_t first = g * kNF4ScaleGroupSize, last = std::min(blocks, first + kNF4ScaleGroupSize);
        float amax = 0;
        for (int64_t b = first; b < last; ++b) amax = std::max(amax, std::fabs(a[b] - offset));
        groupScale[g] = amax / 127.0f;
        const float inv = amax > 0 ? 127.0f / amax : 0.0f;
        for (int64_t b = first; b < last; ++b) codes[b] = int8_t(std::nearbyint(std::clamp((a[b] - offset) * inv, -127.0f, 127.0f)));
    }
}

void checkQuantized(const FrozenWeight& w) {
    TORCH_CHECK(w.quantized() && w.codes.defined() && w.scales.defined(), "frozen weight: not a quantised weight");
}

at::Tensor materializeFused(const FrozenWeight& w) {
    auto out = at::empty({w.rows, w.cols}, w.codes.options().dtype(w.dtype));
    const int64_t numel = w.rows * w.cols;
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, w.dtype, "l1ra_dequantize", [&] {
        scalar_t* o = out.data_ptr<scalar_t>();
        if (w.format == WeightFormat::Int8) {
            const int8_t* c = w.codes.data_ptr<int8_t>();
            const float* s = w.scales.data_ptr<float>();
            at::parallel_for(0, w.rows, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, w.cols)),
                             [&](int64_t b, int64_t e) { int8DequantizeRows<scalar_t>(c, s, w.cols, o, b, e); });
        } else {
            const at::Tensor absmax = w.doubleQuantized() ? nf4BlockAbsmax(w) : w.scales;
            const uint8_t* c = w.codes.data_ptr<uint8_t>();
            const float* s = absmax.data_ptr<float>();
            at::parallel_for(0, absmax.numel(), 512, [&](int64_t b, int64_t e) { nf4DequantizeBlocks<scalar_t>(c, s, numel, o, b, e); });
        }
    });
    return out;
}

}  // namespace

const std::array<float, 16>& nf4Levels() {
    static const std::array<float, 16> levels = {-1.0f,
                                                 -0.6961928009986877f,
                                                 -0.5250730514526367f,
                                                 -0.39491748809814453f,
                                                 -0.28444138169288635f,
                                                 -0.18477343022823334f,
                                                 -0.09105003625154495f,
                                                 0.0f,
                                                 0.07958029955625534f,
                                                 0.16093020141124725f,
                                                 0.24611230194568634f,
                                                 0.33791524171829224f,
                                                 0.44070982933044434f,
                                                 0.5626170039176941f,
                                                 0.7229568362236023f,
                                                 1.0f};
    return levels;
}

int64_t FrozenWeight::bytes() const {
    if (!quantized()) return dense.defined() ? dense.numel() * int64_t(dense.element_size()) : 0;
    int64_t n = 0;
    for (const at::Tensor* t : {&codes, &scales, &scaleScales})
        if (t->defined()) n += t->numel() * int64_t(t->element_size());
    return n;
}

FrozenWeight denseWeight(const at::Tensor& w) {
    TORCH_CHECK(w.dim() == 2, "frozen weight: expected a matrix, got ", w.sizes());
    FrozenWeight f;
    f.rows = w.size(0);
    f.cols = w.size(1);
    f.dtype = w.scalar_type();
    f.dense = w;
    return f;
}

FrozenWeight quantizeWeight(const at::Tensor& wIn, WeightFormat format, at::ScalarType dtype, bool doubleQuant) {
    if (format == WeightFormat::Dense) return denseWeight(wIn.to(dtype));
    TORCH_CHECK(wIn.dim() == 2, "frozen weight: expected a matrix, got ", wIn.sizes());
    RECORD_USER_SCOPE("l1ra::quantize_weight");
    // Quantised on the CPU (at load, once), then moved to the weight's device.
    const at::Tensor w = wIn.device().is_cpu() && fusedDtype(wIn.scalar_type()) ? wIn.contiguous() : wIn.to(at::kCPU, at::kFloat).contiguous();
    FrozenWeight q;
    q.format = format;
    q.rows = w.size(0);
    q.cols = w.size(1);
    q.dtype = dtype;
    const int64_t numel = q.rows * q.cols;
    const auto cpu = w.options();
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, w.scalar_type(), "l1ra_quantize", [&] {
        const scalar_t* src = w.data_ptr<scalar_t>();
        if (format == WeightFormat::Int8) {
            q.codes = at::empty({q.rows, q.cols}, cpu.dtype(at::kChar));
            q.scales = at::empty({q.rows}, cpu.dtype(at::kFloat));
            int8_t* c = q.codes.data_ptr<int8_t>();
            float* s = q.scales.data_ptr<float>();
            at::parallel_for(0, q.rows, 1, [&](int64_t b, int64_t e) { int8QuantizeRows<scalar_t>(src, q.cols, c, s, b, e); });
        } else {
            const int64_t blocks = ceilDiv(numel, kNF4BlockSize);
            q.codes = at::empty({ceilDiv(numel, 2)}, cpu.dtype(at::kByte));
            auto absmax = at::empty({blocks}, cpu.dtype(at::kFloat));
            uint8_t* c = q.codes.data_ptr<uint8_t>();
            float* a = absmax.data_ptr<float>();
            at::parallel_for(0, blocks, 256, [&](int64_t b, int64_t e) { nf4QuantizeBlocks<scalar_t>(src, numel, c, a, b, e); });
            if (doubleQuant) quantizeAbsmax(q, absmax);
            else q.scales = absmax;
        }
    });
    return moveWeight(q, wIn.device());
}

FrozenWeight moveWeight(const FrozenWeight& weight, at::Device device) {
    FrozenWeight w = weight;
    for (at::Tensor* t : {&w.dense, &w.codes, &w.scales, &w.scaleScales})
        if (t->defined() && t->device() != device) *t = t->to(device);
    return w;
}

at::Tensor nf4BlockAbsmax(const FrozenWeight& w) {
    checkQuantized(w);
    TORCH_CHECK(w.format == WeightFormat::NF4, "frozen weight: block absmax of a non-NF4 weight");
    if (!w.doubleQuantized()) return w.scales;
    const int64_t blocks = w.scales.numel();
    auto groupScale = w.scaleScales.repeat_interleave(kNF4ScaleGroupSize).narrow(0, 0, blocks);
    return w.scales.to(at::kFloat) * groupScale + float(w.scaleOffset);
}

at::Tensor materializeReference(const FrozenWeight& w) {
    if (!w.quantized()) return w.dense;
    checkQuantized(w);
    const int64_t numel = w.rows * w.cols;
    at::Tensor flat;
    if (w.format == WeightFormat::Int8) {
        flat = (w.codes.to(at::kFloat) * w.scales.unsqueeze(1)).view({numel});
    } else {
        // Rows of blocks in chunks: the level lookup makes int64 indices, 8 bytes a weight.
        const at::Tensor absmax = nf4BlockAbsmax(w);
        const auto levels = at::tensor(std::vector<float>(nf4Levels().begin(), nf4Levels().end()), absmax.options());
        const int64_t blocks = absmax.numel(), chunk = 1 << 14;   // blocks at a time (1 M weights)
        flat = at::empty({blocks * kNF4BlockSize}, absmax.options());
        for (int64_t first = 0; first < blocks; first += chunk) {
            const int64_t n = std::min(chunk, blocks - first);
            const int64_t bytes = std::min(n * kNF4BlockSize / 2, w.codes.numel() - first * kNF4BlockSize / 2);
            const auto c = w.codes.narrow(0, first * kNF4BlockSize / 2, bytes).to(at::kLong);
            auto idx = at::stack({at::bitwise_and(c, 15), at::bitwise_right_shift(c, 4)}, 1).view({-1});   // [2·bytes]
            auto values = levels.index_select(0, idx);
            if (values.numel() < n * kNF4BlockSize) values = at::constant_pad_nd(values, {0, n * kNF4BlockSize - values.numel()});
            flat.narrow(0, first * kNF4BlockSize, n * kNF4BlockSize).copy_((values.view({n, kNF4BlockSize}) * absmax.narrow(0, first, n).unsqueeze(1)).view({-1}));
        }
        flat = flat.narrow(0, 0, numel);
    }
    return flat.view({w.rows, w.cols}).to(w.dtype);
}

at::Tensor materialize(const FrozenWeight& w) {
    if (!w.quantized()) return w.dense;
    checkQuantized(w);
    RECORD_USER_SCOPE("l1ra::dequantize_weight");
    if (w.codes.device().is_cpu() && fusedDtype(w.dtype)) return materializeFused(w);
    return materializeReference(w);
}

}  // namespace l1ra::kernels
