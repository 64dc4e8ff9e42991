#include "perf/matmul_meter.h"

#include "l1ra/error.h"

#include <ATen/record_function.h>

#include <atomic>
#include <chrono>
#include <cstring>

namespace l1ra {
namespace {

std::atomic<int64_t> gNanoseconds{0};
std::atomic<int64_t> gCalls{0};
std::atomic<bool> gActive{false};
thread_local int tDepth = 0;   // nested products (matmul -> mm, a clone inside mm) count once
thread_local std::chrono::steady_clock::time_point tStart;

// The products themselves. aten::linear and aten::matmul are counted through the product they call: under
// autocast their own span includes the casts of their inputs, which are not matrix-product time.
bool isMatrixProduct(const char* name) {
    static const char* const kNames[] = {"aten::mm",     "aten::addmm", "aten::addmm_", "aten::bmm", "aten::baddbmm",
                                         "aten::baddbmm_", "aten::addbmm", "aten::addbmm_", "aten::mv",  "aten::dot"};
    for (const char* n : kNames)
        if (std::strcmp(name, n) == 0) return true;
    return false;
}

std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& fn) {
    if (isMatrixProduct(fn.name()) && tDepth++ == 0) tStart = std::chrono::steady_clock::now();
    return nullptr;
}

void onEnd(const at::RecordFunction& fn, at::ObserverContext*) {
    if (!isMatrixProduct(fn.name()) || tDepth == 0) return;
    if (--tDepth == 0) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - tStart);
        gNanoseconds += int64_t(ns.count());
        ++gCalls;
    }
}

}  // namespace

MatmulMeter::MatmulMeter() {
    if (gActive.exchange(true)) throw Error("internal: one matrix-product meter at a time");
    reset();
    handle_ = at::addGlobalCallback(at::RecordFunctionCallback(onStart, onEnd)
                                        .needsInputs(false)
                                        .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
}

MatmulMeter::~MatmulMeter() {
    at::removeCallback(handle_);
    gActive = false;
}

double MatmulMeter::seconds() const { return double(gNanoseconds.load()) * 1e-9; }

int64_t MatmulMeter::calls() const { return gCalls.load(); }

void MatmulMeter::reset() {
    gNanoseconds = 0;
    gCalls = 0;
}

}  // namespace l1ra
