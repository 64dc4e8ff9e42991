#pragma once
// What `l1ra train` and `l1ra resume` print while a run goes: a progress bar with ETA on a terminal, plain
// lines otherwise, or one JSON object per event with --json.
#include "l1ra/training_events.h"

#include <mutex>
#include <ostream>

namespace l1ra::cli {

class TrainingProgress : public TrainingEventSink {
public:
    enum class Style { Bar, Lines, Json };
    TrainingProgress(std::ostream& out, std::ostream& err, Style style) : out_(out), err_(err), style_(style) {}

    void onState(RunState s, const std::string& detail) override;
    void onStep(const StepEvent& e) override;
    void onEval(const EvalEvent& e) override;
    void onReallocation(const ReallocationEvent& e) override;
    void onControl(const ControlEvent& e) override;
    void onCheckpoint(const CheckpointEvent& e) override;
    void onLog(const LogEvent& e) override;
    void onSnapshot(const RankSnapshot& s) override;
    void onDivergence(const DivergenceEvent& e) override;   // JSON only: the session's log line says it in words
    void onSample(const SampleEvent& e) override;           // JSON only, as onDivergence
    void message(const std::string& text);   // from the main thread, e.g. "stopping..."

private:
    void endBar();
    std::ostream& out_;
    std::ostream& err_;
    Style style_;
    std::mutex mutex_;
    bool barShown_ = false;
    int64_t lastLineStep_ = 0;
};

}  // namespace l1ra::cli
