#include "l1ra/runtime.h"

#include "l1ra/error.h"
#include "model/blas_threads.h"

#include <torch/torch.h>

#include <dlfcn.h>
#include <malloc.h>

#include <mutex>

#include <cstdlib>
#include <limits>
#include <thread>

namespace l1ra {

int defaultThreadCount() {
    if (const char* env = std::getenv("L1RA_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return n;
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? int(hw) : 1;
}

// Tensors of a training step are freed and allocated again every step. With glibc's defaults the large ones
// come from fresh mmap pages each time, and the page faults cost as much as the kernels on small machines:
// keep blocks up to 64 MiB in the heap and never give freed memory back.
static void keepFreedTensorMemory() {
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
        mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
    });
}

// oneDNN compiles a kernel for each matrix shape and keeps 1024 of them. A training step has a few dozen
// shapes per batch length, and L1RA's reallocations change the adapters' shapes: keep more, so that shapes
// seen before (ranks that move back, lengths that recur) are not compiled again. Only where LibTorch uses a
// shared oneDNN (Debian's); the environment variables keep their precedence.
static void enlargeOneDnnKernelCache() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (std::getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY") || std::getenv("DNNL_PRIMITIVE_CACHE_CAPACITY")) return;
        using SetCapacity = int (*)(int);
        if (auto fn = reinterpret_cast<SetCapacity>(::dlsym(RTLD_DEFAULT, "dnnl_set_primitive_cache_capacity"))) fn(8192);
    });
}

void setThreadCount(int n) {
    keepFreedTensorMemory();
    enlargeOneDnnKernelCache();
    if (n <= 0) n = defaultThreadCount();
    torch::set_num_threads(n);
    // LibTorch's fp32 matrix products go to OpenBLAS when it is the system BLAS; give it the same count
    // (training lowers it to one, see setBlasThreadsForTraining).
    setBlasThreads(n);
}

int threadCount() { return torch::get_num_threads(); }

void setBlasThreads(int n) {
    if (std::getenv("OPENBLAS_NUM_THREADS")) return;   // the user's choice wins
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(n);
}

bool cudaAvailable() { return torch::cuda::is_available(); }

std::string resolveDevice(const std::string& requested) {
    if (requested.empty() || requested == "auto") return cudaAvailable() ? "cuda" : "cpu";
    if (requested == "cpu") return "cpu";
    if (requested.rfind("cuda", 0) == 0) {
        try {
            torch::Device d(requested);
            if (!cudaAvailable())
                throw Error("device '" + requested + "' requested but CUDA is not available in this build or machine");
            if (d.has_index() && d.index() >= int(torch::cuda::device_count()))
                throw Error("device '" + requested + "' does not exist (" + std::to_string(torch::cuda::device_count()) +
                            " CUDA devices)");
            return requested;
        } catch (const c10::Error&) {
        }
    }
    throw Error("device '" + requested + "' is not one of auto, cpu, cuda, cuda:N");
}

std::string describeDevice(const std::string& device) {
    if (device.rfind("cuda", 0) == 0) return device;
    const int n = threadCount();
    return "cpu (" + std::to_string(n) + (n == 1 ? " thread)" : " threads)");
}

}  // namespace l1ra
