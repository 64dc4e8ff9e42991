#include "model/precision.h"

#include "l1ra/error.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <fstream>

namespace l1ra {

bool cpuHasNativeBf16() {
    static const bool has = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("flags", 0) == 0) return line.find("avx512_bf16") != std::string::npos || line.find("amx_bf16") != std::string::npos;
        return false;
    }();
    return has;
}

torch::ScalarType resolvePrecision(const std::string& requested, const torch::Device& device) {
    if (requested == "f32") return torch::kFloat32;
    if (requested == "bf16") return torch::kBFloat16;
    if (requested == "auto" || requested.empty()) {
        if (device.is_cuda() || cpuHasNativeBf16()) return torch::kBFloat16;
        return torch::kFloat32;
    }
    throw Error("train.precision '" + requested + "' is not one of auto, f32, bf16");
}

// LibTorch 2.4 replaced the per-device autocast setters with ones that take the device type; the old names are
// deprecated there and may be gone in later releases.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
static void setAutocast(bool cuda, bool enabled, torch::ScalarType dtype) {
    const auto type = cuda ? at::kCUDA : at::kCPU;
    if (enabled) at::autocast::set_autocast_dtype(type, dtype);
    at::autocast::set_autocast_enabled(type, enabled);
}

AutocastState currentAutocast() {
    AutocastState s;
    s.cpu = at::autocast::is_autocast_enabled(at::kCPU);
    s.cuda = at::autocast::is_autocast_enabled(at::kCUDA);
    s.cpuDtype = at::autocast::get_autocast_dtype(at::kCPU);
    s.cudaDtype = at::autocast::get_autocast_dtype(at::kCUDA);
    return s;
}
#else
static void setAutocast(bool cuda, bool enabled, torch::ScalarType dtype) {
    if (cuda) {
        if (enabled) at::autocast::set_autocast_gpu_dtype(dtype);
        at::autocast::set_enabled(enabled);
    } else {
        if (enabled) at::autocast::set_autocast_cpu_dtype(dtype);
        at::autocast::set_cpu_enabled(enabled);
    }
}

AutocastState currentAutocast() {
    AutocastState s;
    s.cpu = at::autocast::is_cpu_enabled();
    s.cuda = at::autocast::is_enabled();
    s.cpuDtype = at::autocast::get_autocast_cpu_dtype();
    s.cudaDtype = at::autocast::get_autocast_gpu_dtype();
    return s;
}
#endif

static void setAutocastState(const AutocastState& s) {
    setAutocast(false, s.cpu, s.cpuDtype);
    setAutocast(true, s.cuda, s.cudaDtype);
}

AutocastRestore::AutocastRestore(const AutocastState& state) : previous_(currentAutocast()) { setAutocastState(state); }

AutocastRestore::~AutocastRestore() {
    setAutocastState(previous_);
    at::autocast::clear_cache();
}

AutocastScope::AutocastScope(torch::ScalarType dtype, const torch::Device& device) {
    if (dtype == torch::kFloat32) return;
    active_ = true;
    cuda_ = device.is_cuda();
    setAutocast(cuda_, true, dtype);
}

AutocastScope::~AutocastScope() {
    if (!active_) return;
    setAutocast(cuda_, false, torch::kFloat32);
    at::autocast::clear_cache();
}

}  // namespace l1ra
