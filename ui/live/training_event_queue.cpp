#include "live/training_event_queue.h"

#include <utility>

namespace l1ra::ui {

TrainingEventQueue::TrainingEventQueue(std::function<void()> wake) : wake_(std::move(wake)) {}

void TrainingEventQueue::push(TrainingEvent event) {
    bool wasEmpty = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wasEmpty = queue_.empty();
        queue_.push_back(std::move(event));
        if (wasEmpty) ++wakes_;
    }
    // Outside the lock: posting an event takes Qt's own lock, and the GUI thread may be draining.
    if (wasEmpty && wake_) wake_();
}

std::deque<TrainingEvent> TrainingEventQueue::takeAll() {
    std::deque<TrainingEvent> taken;
    std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(queue_);
    return taken;
}

std::size_t TrainingEventQueue::wakeCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return wakes_;
}

void TrainingEventQueue::onState(l1ra::RunState state, const std::string& detail) { push(StateChange{state, detail}); }
void TrainingEventQueue::onStep(const l1ra::StepEvent& e) { push(e); }
void TrainingEventQueue::onEval(const l1ra::EvalEvent& e) { push(e); }
void TrainingEventQueue::onSnapshot(const l1ra::RankSnapshot& s) { push(s); }
void TrainingEventQueue::onReallocation(const l1ra::ReallocationEvent& e) { push(e); }
void TrainingEventQueue::onControl(const l1ra::ControlEvent& e) { push(e); }
void TrainingEventQueue::onCheckpoint(const l1ra::CheckpointEvent& e) { push(e); }
void TrainingEventQueue::onDivergence(const l1ra::DivergenceEvent& e) { push(e); }
void TrainingEventQueue::onSample(const l1ra::SampleEvent& e) { push(e); }
void TrainingEventQueue::onLog(const l1ra::LogEvent& e) { push(e); }

}  // namespace l1ra::ui
