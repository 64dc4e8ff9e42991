#pragma once
// Shared by the training suites: the fixture run config, an event recorder, and a run's files without the
// wall-clock fields (for comparing two runs).
#include "l1ra/run_config.h"
#include "l1ra/training_events.h"

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace l1ra::test {


struct Recorder : TrainingEventSink {
    std::mutex mutex;
    std::vector<StepEvent> steps;
    std::vector<EvalEvent> evals;
    std::vector<ReallocationEvent> reallocations;
    std::vector<ControlEvent> controls;
    std::vector<RankSnapshot> snapshots;
    std::vector<RunState> states;
    std::vector<std::string> logs;
    std::function<void(const StepEvent&)> onEachStep;
    void onState(RunState s, const std::string&) override;
    void onStep(const StepEvent& e) override;
    void onEval(const EvalEvent& e) override;
    void onReallocation(const ReallocationEvent& e) override;
    void onControl(const ControlEvent& e) override;
    void onSnapshot(const RankSnapshot& s) override;
    void onLog(const LogEvent& e) override;
};

double meanLoss(const std::vector<StepEvent>& steps, std::size_t from, std::size_t to);

}  // namespace l1ra::test
