#pragma once
// The engine-facing half of the TrainingController: a TrainingEventSink that never blocks the training thread.
// Each event is copied into a mutex-protected queue; only the push that makes the queue non-empty calls the
// wake-up function (which posts one queued call to the GUI thread), so a fast run cannot flood the event loop.
#include "l1ra/training_events.h"
#include "l1ra/training_session.h"

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <variant>

namespace l1ra::ui {

struct StateChange {
    l1ra::RunState state;
    std::string detail;
};

// run() returned: the last item a worker pushes.
struct RunEnded {
    l1ra::RunSummary summary;
};

using TrainingEvent = std::variant<StateChange, l1ra::StepEvent, l1ra::EvalEvent, l1ra::RankSnapshot, l1ra::ReallocationEvent,
                                   l1ra::ControlEvent, l1ra::CheckpointEvent, l1ra::DivergenceEvent, l1ra::SampleEvent,
                                   l1ra::LogEvent, RunEnded>;

class TrainingEventQueue : public l1ra::TrainingEventSink {
public:
    // Called on the pushing thread when the queue goes from empty to non-empty; must not block.
    explicit TrainingEventQueue(std::function<void()> wake);

    void push(TrainingEvent event);
    // Everything queued so far, oldest first; the next push wakes again.
    std::deque<TrainingEvent> takeAll();
    std::size_t wakeCount() const;   // how many wake-ups were posted (diagnostics, tests)

    void onState(l1ra::RunState state, const std::string& detail) override;
    void onStep(const l1ra::StepEvent& e) override;
    void onEval(const l1ra::EvalEvent& e) override;
    void onSnapshot(const l1ra::RankSnapshot& s) override;
    void onReallocation(const l1ra::ReallocationEvent& e) override;
    void onControl(const l1ra::ControlEvent& e) override;
    void onCheckpoint(const l1ra::CheckpointEvent& e) override;
    void onDivergence(const l1ra::DivergenceEvent& e) override;
    void onSample(const l1ra::SampleEvent& e) override;
    void onLog(const l1ra::LogEvent& e) override;

private:
    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::deque<TrainingEvent> queue_;
    std::size_t wakes_ = 0;
};

}  // namespace l1ra::ui
