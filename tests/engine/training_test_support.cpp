#include "training_test_support.h"

#include "test_support.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace l1ra::test {

using nlohmann::json;

void Recorder::onState(RunState s, const std::string&) {
    std::lock_guard<std::mutex> l(mutex);
    states.push_back(s);
}

void Recorder::onStep(const StepEvent& e) {
    {
        std::lock_guard<std::mutex> l(mutex);
        steps.push_back(e);
    }
    if (onEachStep) onEachStep(e);
}

void Recorder::onEval(const EvalEvent& e) {
    std::lock_guard<std::mutex> l(mutex);
    evals.push_back(e);
}

void Recorder::onReallocation(const ReallocationEvent& e) {
    std::lock_guard<std::mutex> l(mutex);
    reallocations.push_back(e);
}

void Recorder::onControl(const ControlEvent& e) {
    std::lock_guard<std::mutex> l(mutex);
    controls.push_back(e);
}

void Recorder::onSnapshot(const RankSnapshot& s) {
    std::lock_guard<std::mutex> l(mutex);
    snapshots.push_back(s);
}

void Recorder::onLog(const LogEvent& e) {
    std::lock_guard<std::mutex> l(mutex);
    logs.push_back(e.text);
}

double meanLoss(const std::vector<StepEvent>& steps, std::size_t from, std::size_t to) {
    double s = 0;
    for (std::size_t i = from; i < to; ++i) s += steps[i].loss;
    return s / double(to - from);
}

}  // namespace l1ra::test
