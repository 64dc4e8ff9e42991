#include "model/cpu_memory_meter.h"

#include "l1ra/error.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace l1ra {
namespace {

std::atomic<int64_t> gLive{0}, gPeak{0}, gLimit{0};
std::atomic<bool> gInstalled{false};

// Each block carries its size in a header one alignment unit long, so that a raw pointer (oneDNN frees by pointer
// only) finds its size again; the tensor's data stays 64-byte aligned.
constexpr std::size_t kHeader = 64;

void countedFree(void* data) {
    if (!data) return;
    auto* base = static_cast<char*>(data) - kHeader;
    std::size_t n = 0;
    std::memcpy(&n, base, sizeof n);
    gLive.fetch_sub(int64_t(n));
    c10::free_cpu(base);
}

void raisePeak(int64_t live) {
    int64_t peak = gPeak.load();
    while (live > peak && !gPeak.compare_exchange_weak(peak, live)) {
    }
}

void* countedAlloc(std::size_t n) {
    if (n == 0) return nullptr;
    const int64_t live = gLive.fetch_add(int64_t(n)) + int64_t(n);
    const int64_t limit = gLimit.load();
    if (limit > 0 && live > limit) {
        gLive.fetch_sub(int64_t(n));
        TORCH_CHECK_WITH(OutOfMemoryError, false, "out of memory: tried to allocate ", n, " bytes with ", live - int64_t(n),
                         " in use, over the limit of ", limit, " bytes (L1RA_CPU_MEMORY_LIMIT)");
    }
    raisePeak(live);
    auto* base = static_cast<char*>(c10::alloc_cpu(n + kHeader));
    std::memcpy(base, &n, sizeof n);
    return base + kHeader;
}

// Both signatures of allocate and copy_data are defined without `override`: LibTorch 1.13 declares allocate const
// and has no copy_data, newer releases make allocate non-const and copy_data pure; whichever the base has is
// overridden, the other is an unused overload.
class CountingCpuAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(std::size_t n) const { return make(n); }
    c10::DataPtr allocate(std::size_t n) { return make(n); }
    c10::DeleterFnPtr raw_deleter() const override { return &countedFree; }
    void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

private:
    static c10::DataPtr make(std::size_t n) {
        void* data = countedAlloc(n);
        return {data, data, &countedFree, c10::Device(c10::DeviceType::CPU)};
    }
};

}  // namespace

void installCpuMemoryMeter() {
    static std::once_flag once;
    std::call_once(once, [] {
        static CountingCpuAllocator allocator;
        c10::SetCPUAllocator(&allocator, /*priority=*/100);
        gInstalled = true;
    });
}

bool cpuMemoryMeterInstalled() { return gInstalled.load(); }
int64_t cpuTensorBytes() { return gLive.load(); }
int64_t cpuTensorPeakBytes() { return gPeak.load(); }
void resetCpuTensorPeak() { gPeak.store(gLive.load()); }

void setCpuTensorLimit(int64_t bytes) {
    installCpuMemoryMeter();
    gLimit.store(bytes > 0 ? bytes : 0);
}

void applyCpuMemoryLimitFromEnvironment() {
    const char* text = std::getenv("L1RA_CPU_MEMORY_LIMIT");
    if (!text || !*text) return;
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    double scale = 1;
    if (*end == 'K' || *end == 'k') scale = 1024.0;
    else if (*end == 'M' || *end == 'm') scale = 1024.0 * 1024;
    else if (*end == 'G' || *end == 'g') scale = 1024.0 * 1024 * 1024;
    if (scale > 1) ++end;
    if (end == text || *end != '\0' || !(value >= 0))
        throw Error(std::string("L1RA_CPU_MEMORY_LIMIT '") + text + "' is not a size in bytes (a K, M or G suffix allowed)");
    setCpuTensorLimit(int64_t(value * scale));
}

}  // namespace l1ra
