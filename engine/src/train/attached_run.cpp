#include "l1ra/attached_run.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/run_commands.h"
#include "l1ra/run_record.h"
#include "log/training_process.h"
#include "train/checkpoint.h"
#include "train/run_record_lines.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace l1ra {

using nlohmann::json;

namespace {

// A JSONL file read as it grows: the complete lines appended since the last read.
struct FollowedFile {
    std::string path;
    uint64_t offset = 0;

    std::vector<std::string> newLines() {
        std::vector<std::string> lines;
        std::ifstream in(path, std::ios::binary);
        if (!in) return lines;   // not written yet (samples.jsonl comes with the first sample)
        in.seekg(0, std::ios::end);
        const uint64_t size = uint64_t(in.tellg());
        // A resume cuts the files back to its checkpoint: what was followed is no longer the run's history.
        if (size < offset) throw Error(path + " was cut back (the run was resumed from a checkpoint): attach again to follow it");
        if (size == offset) return lines;
        std::string text(size - offset, '\0');
        in.seekg(std::streamoff(offset));
        in.read(text.data(), std::streamsize(text.size()));
        const std::size_t end = text.rfind('\n');
        if (end == std::string::npos) return lines;   // a line being written: next time
        offset += end + 1;
        std::size_t from = 0;
        while (from <= end) {
            const std::size_t to = text.find('\n', from);
            if (to > from) lines.push_back(text.substr(from, to - from));
            from = to + 1;
        }
        return lines;
    }
};

// Within one step a run reports controls first (they apply from it), then the step, its reallocation and
// snapshot, the evaluation, samples and checkpoints: events read from several files are emitted in that order.
enum class Order { Control, Step, Reallocation, Snapshot, Eval, Sample, Checkpoint };

struct Pending {
    int64_t step;
    Order order;
    std::function<void(TrainingEventSink&)> emit;
};

}  // namespace

struct AttachedRun::Impl {
    std::string runDir;
    RunConfig config;
    TrainingEventSink* sink = nullptr;
    TrainingProcess process;

    std::mutex mutex;
    std::condition_variable wake;
    bool leaving = false;
    std::vector<std::pair<RunCommand, double>> outbox;   // sent from the following thread: no file I/O for callers

    FollowedFile metrics, ranks, events, samples;
    std::set<std::string> checkpointsSeen;
    std::string bestSeen;
    std::vector<ReallocationEvent> awaitingSnapshot;   // events.jsonl is written before ranks.jsonl
    RankSnapshot lastSnapshot;
    std::vector<EvalEvent> evals;                      // for the validation loss of a best checkpoint
    RunState state = RunState::Running;

    void send(RunCommand command, double value = 0) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            outbox.emplace_back(command, value);
        }
        wake.notify_all();
    }
    void sendQueued();
    void log(LogEvent::Level level, const std::string& text) {
        if (sink) sink->onLog({level, text});
    }
    void setState(RunState s, const std::string& detail) {
        if (s == state) return;
        state = s;
        if (sink) sink->onState(s, detail);
    }
    void poll(bool announceCheckpoints);
    void readMetrics(std::vector<Pending>& out);
    void readRanksAndEvents(std::vector<Pending>& out);
    void readSamples(std::vector<Pending>& out);
    void readCheckpoints(std::vector<Pending>& out, bool announce);
    void flushAwaiting(std::vector<Pending>& out);
    void emit(std::vector<Pending>& pending);
    void applyControl(const ControlEvent& c);
    template <class F>
    void eachLine(FollowedFile& file, F&& fn);
    bool waitForNextPoll();
    RunSummary ended();
};

AttachedRun::AttachedRun(const std::string& runDir, TrainingEventSink* sink) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.runDir = runDir;
    d.sink = sink;
    if (!isRunFolder(runDir))
        throw Error(runDir + ": not a run folder (no config.json and metrics.jsonl); a run writes them once its model and data are loaded");
    if (fileExists(runDir + "/summary.json"))
        throw Error(runDir + ": the run has ended (it has a summary.json): open it to explore it instead of attaching");
    const auto process = readTrainingProcess(runDir);
    if (!process)
        throw Error(runDir + ": no process trains this run (no process.json); to continue it: l1ra resume --run " + runDir);
    d.process = *process;
    if (liveness(d.process) == ProcessLiveness::Gone)
        throw Error(runDir + ": the process that trained this run (pid " + std::to_string(d.process.pid) +
                    ") is gone without finishing it (killed or crashed); to continue it: l1ra resume --run " + runDir);
    const std::string configPath = runDir + "/config.json";
    d.config = parseRunConfig(readTextFile(configPath), configPath);
    d.metrics.path = runDir + "/metrics.jsonl";
    d.ranks.path = runDir + "/ranks.jsonl";
    d.events.path = runDir + "/events.jsonl";
    d.samples.path = runDir + "/samples.jsonl";
}

AttachedRun::~AttachedRun() = default;

const RunConfig& AttachedRun::config() const { return impl_->config; }
const std::string& AttachedRun::runDir() const { return impl_->runDir; }

std::string AttachedRun::describeProcess() const {
    return "pid " + std::to_string(impl_->process.pid) + " on " + impl_->process.host;
}

void AttachedRun::pause() { impl_->send(RunCommand::Pause); }
void AttachedRun::resume() { impl_->send(RunCommand::Resume); }
void AttachedRun::stop() { impl_->send(RunCommand::Stop); }
void AttachedRun::checkpointNow() { impl_->send(RunCommand::Checkpoint); }

void AttachedRun::setLambda(double lambda) {
    if (!(lambda >= 0) || lambda > 100) throw Error("lambda must be in [0, 100]");
    impl_->send(RunCommand::Lambda, lambda);
}

void AttachedRun::setBudget(int budget) {
    if (budget < 1) throw Error("the rank budget must be positive");
    impl_->send(RunCommand::Budget, budget);
}

void AttachedRun::leave() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->leaving = true;
    }
    impl_->wake.notify_all();
}

void AttachedRun::Impl::sendQueued() {
    std::vector<std::pair<RunCommand, double>> batch;
    {
        std::lock_guard<std::mutex> lock(mutex);
        batch.swap(outbox);
    }
    for (const auto& [command, value] : batch) {
        try {
            sendRunCommand(runDir, command, value);
        } catch (const std::exception& e) {
            log(LogEvent::Level::Error, std::string("the command did not reach the run: ") + e.what());
        }
    }
}

// A line that cannot be read is reported and skipped: following goes on.
template <class F>
void AttachedRun::Impl::eachLine(FollowedFile& file, F&& fn) {
    for (const std::string& text : file.newLines()) {
        try {
            fn(json::parse(text));
        } catch (const std::exception& e) {
            log(LogEvent::Level::Warning, file.path + ": a line was skipped: " + e.what());
        }
    }
}

void AttachedRun::Impl::readMetrics(std::vector<Pending>& out) {
    RunRecord delta;
    eachLine(metrics, [&](const json& j) { addMetricsLine(j, delta); });
    for (const StepEvent& e : delta.steps) out.push_back({e.step, Order::Step, [e](TrainingEventSink& s) { s.onStep(e); }});
    for (const DivergenceEvent& e : delta.divergences)
        out.push_back({e.step, Order::Step, [e](TrainingEventSink& s) { s.onDivergence(e); }});
    for (const EvalEvent& e : delta.evals) {
        evals.push_back(e);
        out.push_back({e.step, Order::Eval, [e](TrainingEventSink& s) { s.onEval(e); }});
    }
}

void AttachedRun::Impl::readRanksAndEvents(std::vector<Pending>& out) {
    RunRecord delta;
    eachLine(events, [&](const json& j) {
        if (j.value("type", "") == "checkpoint_failed")
            log(LogEvent::Level::Warning, "step " + std::to_string(j.value("step", int64_t(0))) + ": no checkpoint written: " + j.value("error", ""));
        else addEventsLine(j, delta);
    });
    for (const ControlEvent& c : delta.controls) {
        out.push_back({c.step, Order::Control, [c](TrainingEventSink& s) { s.onControl(c); }});
        applyControl(c);
    }
    awaitingSnapshot.insert(awaitingSnapshot.end(), delta.reallocations.begin(), delta.reallocations.end());
    eachLine(ranks, [&](const json& j) {
        const RankSnapshot snapshot = snapshotFrom(j);
        lastSnapshot = snapshot;
        const auto waiting = std::find_if(awaitingSnapshot.begin(), awaitingSnapshot.end(),
                                          [&](const ReallocationEvent& e) { return e.step == snapshot.step; });
        if (waiting != awaitingSnapshot.end()) {
            ReallocationEvent e = std::move(*waiting);
            awaitingSnapshot.erase(waiting);
            e.after = snapshot;
            out.push_back({e.step, Order::Reallocation, [e](TrainingEventSink& s) { s.onReallocation(e); }});
        }
        out.push_back({snapshot.step, Order::Snapshot, [snapshot](TrainingEventSink& s) { s.onSnapshot(snapshot); }});
    });
}

// A reallocation whose rank line never came (the run could not write it): reported with the last ranks known.
void AttachedRun::Impl::flushAwaiting(std::vector<Pending>& out) {
    for (ReallocationEvent& e : awaitingSnapshot) {
        e.after = lastSnapshot;
        out.push_back({e.step, Order::Reallocation, [e](TrainingEventSink& s) { s.onReallocation(e); }});
    }
    awaitingSnapshot.clear();
}

void AttachedRun::Impl::readSamples(std::vector<Pending>& out) {
    eachLine(samples, [&](const json& j) {
        const SampleEvent e = sampleFrom(j);
        out.push_back({e.step, Order::Sample, [e](TrainingEventSink& s) { s.onSample(e); }});
    });
}

// Checkpoints are folders, not lines: the new ones since the last look. Those there when following began are
// the run's past and not announced again.
void AttachedRun::Impl::readCheckpoints(std::vector<Pending>& out, bool announce) {
    for (const std::string& folder : checkpointFolders(runDir)) {
        if (!checkpointsSeen.insert(folder).second || !announce) continue;
        const std::string digits = folder.substr(folder.rfind("step-") + 5);
        const int64_t step = std::atoll(digits.c_str());
        CheckpointEvent c{step, folder, false, 0};
        out.push_back({step, Order::Checkpoint, [c](TrainingEventSink& s) { s.onCheckpoint(c); }});
    }
    const std::string best = bestCheckpoint(runDir);
    if (best.empty() || best == bestSeen) return;
    bestSeen = best;
    if (!announce) return;
    CheckpointEvent c{std::atoll(best.substr(best.rfind("step-") + 5).c_str()), best, true, 0};
    for (const EvalEvent& e : evals)
        if (e.step == c.step) c.valLoss = e.loss;
    out.push_back({c.step, Order::Checkpoint, [c](TrainingEventSink& s) { s.onCheckpoint(c); }});
}

void AttachedRun::Impl::applyControl(const ControlEvent& c) {
    if (c.kind == ControlKind::Pause) state = RunState::Paused;
    else if (c.kind == ControlKind::Resume) state = RunState::Running;
    else if (c.kind == ControlKind::Stop) state = RunState::Stopping;
}

void AttachedRun::Impl::emit(std::vector<Pending>& pending) {
    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
        return a.step != b.step ? a.step < b.step : a.order < b.order;
    });
    if (sink)
        for (Pending& p : pending) p.emit(*sink);
    pending.clear();
}

void AttachedRun::Impl::poll(bool announceCheckpoints) {
    const RunState before = state;
    std::vector<Pending> pending;
    readMetrics(pending);
    readRanksAndEvents(pending);
    readSamples(pending);
    readCheckpoints(pending, announceCheckpoints);
    // Controls set `state` while read; the front end hears of the change after the events that led to it.
    const RunState after = state;
    state = before;
    emit(pending);
    setState(after, after == RunState::Paused ? "paused" : after == RunState::Stopping ? "stopping" : "");
}

// Waits for the next look at the folder; false once the front end has left.
bool AttachedRun::Impl::waitForNextPoll() {
    std::unique_lock<std::mutex> lock(mutex);
    wake.wait_for(lock, std::chrono::milliseconds(kPollMilliseconds), [&] { return leaving || !outbox.empty(); });
    return !leaving;
}

// The run is over: the rest of its lines, then its summary (or why there is none).
RunSummary AttachedRun::Impl::ended() {
    poll(true);
    std::vector<Pending> rest;
    flushAwaiting(rest);
    emit(rest);
    const std::string summaryPath = runDir + "/summary.json";
    if (fileExists(summaryPath)) return summaryFrom(json::parse(readTextFile(summaryPath)), runDir, summaryPath);
    RunSummary summary;
    summary.runDir = runDir;
    summary.state = RunState::Failed;
    summary.error = "the process that trained " + runDir + " (pid " + std::to_string(process.pid) +
                    ") ended without finishing the run (killed or crashed); to continue it: l1ra resume --run " + runDir;
    log(LogEvent::Level::Error, summary.error);
    return summary;
}

RunSummary AttachedRun::run() {
    Impl& d = *impl_;
    try {
        d.poll(false);   // the run so far
        if (d.sink) d.sink->onState(d.state, "following " + describeProcess());
        d.log(LogEvent::Level::Info, "attached to " + d.runDir + " (" + describeProcess() + "): controls reach it at its next step");
        while (true) {
            d.sendQueued();
            if (fileExists(d.runDir + "/summary.json")) return d.ended();
            const auto process = readTrainingProcess(d.runDir);
            // Gone without a summary: ended() says so (and picks the summary up if it came meanwhile).
            if (process && process->pid == d.process.pid && liveness(*process) == ProcessLiveness::Gone) return d.ended();
            d.poll(true);
            if (!d.waitForNextPoll()) break;
        }
    } catch (const std::exception& e) {
        // The run itself may be fine: following it stops, as if left, with the reason.
        RunSummary left;
        left.runDir = d.runDir;
        left.state = d.state;
        left.error = std::string("stopped following the run: ") + e.what();
        d.log(LogEvent::Level::Error, left.error);
        return left;
    }
    RunSummary left;
    left.runDir = d.runDir;
    left.state = d.state;   // the run goes on without us
    return left;
}

}  // namespace l1ra
