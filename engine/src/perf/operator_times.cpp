#include "perf/operator_times.h"

#include "l1ra/error.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>

namespace l1ra {
namespace {

using Clock = std::chrono::steady_clock;

struct Open {
    Clock::time_point start;
    bool recorded;   // outermost, or an l1ra:: scope
    bool nested;
};

std::mutex gMutex;
std::map<std::string, OperatorTime> gTimes;
std::atomic<bool> gActive{false};
thread_local std::vector<Open> tOpen;

bool isEngineScope(const char* name) { return std::char_traits<char>::compare(name, "l1ra::", 6) == 0; }

std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& fn) {
    const bool outermost = tOpen.empty();
    tOpen.push_back({Clock::now(), outermost || isEngineScope(fn.name()), !outermost});
    return nullptr;
}

void onEnd(const at::RecordFunction& fn, at::ObserverContext*) {
    if (tOpen.empty()) return;   // started before the recorder
    const Open open = tOpen.back();
    tOpen.pop_back();
    if (!open.recorded) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - open.start).count();
    std::lock_guard<std::mutex> lock(gMutex);
    OperatorTime& t = gTimes[std::string(open.nested ? "  " : "") + fn.name()];
    t.seconds += seconds;
    t.calls += 1;
    t.nested = open.nested;
}

}  // namespace

std::string shortOperatorName(const std::string& name) {
    static const std::string backward = "autograd::engine::evaluate_function: ";
    if (name.rfind(backward, 0) != 0) return name;
    std::string node = name.substr(backward.size());
    if (const auto cpp = node.find("CppNode<"); cpp != std::string::npos) {
        node = node.substr(cpp + 8);
        if (!node.empty() && node.back() == '>') node.pop_back();
        if (const auto colons = node.rfind("::"); colons != std::string::npos) node = node.substr(colons + 2);
    } else if (node.rfind("torch::autograd::", 0) == 0) {
        node = node.substr(17);
    }
    return "backward: " + node;
}

OperatorTimes::OperatorTimes() {
    if (gActive.exchange(true)) throw Error("internal: one operator-time recorder at a time");
    reset();
    handle_ = at::addGlobalCallback(
        at::RecordFunctionCallback(onStart, onEnd)
            .needsInputs(false)
            .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION, at::RecordScope::USER_SCOPE}));
}

OperatorTimes::~OperatorTimes() {
    at::removeCallback(handle_);
    gActive = false;
}

void OperatorTimes::reset() {
    std::lock_guard<std::mutex> lock(gMutex);
    gTimes.clear();
}

std::vector<OperatorTime> OperatorTimes::entries() const {
    std::vector<OperatorTime> out;
    {
        std::lock_guard<std::mutex> lock(gMutex);
        for (const auto& [key, t] : gTimes) {
            OperatorTime e = t;
            e.name = shortOperatorName(key.substr(t.nested ? 2 : 0));
            out.push_back(e);
        }
    }
    std::sort(out.begin(), out.end(), [](const OperatorTime& a, const OperatorTime& b) { return a.seconds > b.seconds; });
    return out;
}

}  // namespace l1ra
