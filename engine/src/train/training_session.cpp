#include "l1ra/training_session.h"
#include "train/training_session_impl.h"

#include "train/checkpoint.h"
#include "model/cpu_memory_meter.h"
#include "train/data_parallel.h"
#include "text/data_records.h"
#include "io/file_util.h"
#include "l1ra/churn.h"
#include "l1ra/error.h"
#include "l1ra/memory_plan.h"
#include "l1ra/model_location.h"
#include "l1ra/run_record.h"
#include "l1ra/runtime.h"
#include "model/memory_usage.h"
#include "io/model_folder.h"
#include "model/precision.h"
#include "text/prompt_format.h"
#include "train/run_command_inbox.h"
#include "log/run_files.h"
#include "io/tensor_io.h"
#include "l1ra/text_tokenizer.h"
#include "train/trainer.h"
#include "train/training_samples.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <sstream>

namespace l1ra {


namespace {

void checkNewRunFolder(const std::string& dir) {
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) &&
        (!std::filesystem::is_directory(dir, ec) || !std::filesystem::is_empty(dir, ec)))
        throw Error("run folder " + dir + " already exists and is not empty (choose a new folder, or resume the run there)");
}

std::string formatNumber(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

}  // namespace

TrainingSession::TrainingSession(const RunConfig& config, const std::string& runDir, TrainingEventSink* sink,
                                 const ProcessGroupSetup& processes)
    : impl_(std::make_unique<Impl>()) {
    validateRunConfig(config);
    if (runDir.empty()) throw Error("no run folder given");
    if (processes.rank == 0) checkNewRunFolder(runDir);   // the others may find it already made by rank 0
    impl_->processes = processes;
    impl_->config = config;
    impl_->config.model.path = resolveModelFolder(config.model.path);   // the run records the snapshot it trained on
    impl_->runDir = runDir;
    impl_->sink = sink;
}

TrainingSession::TrainingSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

const std::vector<std::string>& TrainingSession::resumableSettingKeys() {
    // How the run uses memory and compute, and what it does at a divergence from here on: none changes a step done.
    static const std::vector<std::string> keys = {"model.base_dtype", "model.double_quant", "train.gradient_checkpointing", "device",
                                                  "threads", "train.on_divergence", "train.divergence_lr_factor",
                                                  "train.divergence_max_skips", "eval.patience", "eval.min_delta",
                                                  "samples.prompts", "samples.every", "samples.max_new_tokens",
                                                  "samples.temperature"};
    return keys;
}

std::unique_ptr<TrainingSession> TrainingSession::resume(const std::string& runDir, TrainingEventSink* sink,
                                                         const std::vector<std::string>& settings, const ProcessGroupSetup& processes) {
    const std::string configPath = runDir + "/config.json";
    if (!fileExists(configPath)) throw Error(runDir + ": not a run folder (no config.json)");
    if (newestCheckpoint(runDir).empty()) throw Error(runDir + ": the run has no checkpoint to resume from");
    auto impl = std::make_unique<Impl>();
    impl->config = parseRunConfig(readTextFile(configPath), configPath);
    // A run from before data.template trained with the plain format: resuming must tokenize its data the same way.
    impl->config.data.chatTemplate = trainedTemplateChoice(runDir);
    for (const std::string& assignment : settings) {
        const std::string key = assignment.substr(0, assignment.find('='));
        const auto& allowed = resumableSettingKeys();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string list;
            for (const std::string& k : allowed) list += (list.empty() ? "" : ", ") + k;
            throw Error("resume --set " + key + ": only " + list + " can change when a run resumes");
        }
        applyRunConfigAssignment(impl->config, assignment);
    }
    validateRunConfig(impl->config);
    if (!settings.empty() && processes.rank == 0) writeTextFileAtomically(configPath, runConfigToJson(impl->config) + "\n");
    impl->processes = processes;
    impl->runDir = runDir;
    impl->sink = sink;
    impl->resuming = true;
    return std::unique_ptr<TrainingSession>(new TrainingSession(std::move(impl)));
}

TrainingSession::~TrainingSession() = default;

const RunConfig& TrainingSession::config() const { return impl_->config; }
const std::string& TrainingSession::runDir() const { return impl_->runDir; }

void TrainingSession::pause() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->paused = true;
}

void TrainingSession::resume() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->paused = false;
    }
    impl_->wake.notify_all();
}

void TrainingSession::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopRequested = true;
    }
    impl_->wake.notify_all();
}

void TrainingSession::checkpointNow() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->checkpointRequested = true;
    }
    impl_->wake.notify_all();
}

void TrainingSession::setLambda(double lambda) {
    if (!(lambda >= 0) || lambda > 100) throw Error("lambda must be in [0, 100]");
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->pendingLambda = lambda;
    }
    impl_->wake.notify_all();
}

void TrainingSession::setBudget(int budget) {
    if (budget < 1) throw Error("the rank budget must be positive");
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->pendingBudget = budget;
    }
    impl_->wake.notify_all();
}

RunSummary TrainingSession::run() { return impl_->run(); }

// Data-parallel, at each step boundary: rank 0's λ and pending budget become everyone's, and a stop asked of any
// process (a Ctrl-C reaches them all) stops all of them at the same step.
bool TrainingSession::Impl::agreeOnControls(bool goOn) {
    std::vector<torch::Tensor> v{torch::tensor({goOn ? 0.0 : 1.0, writer() ? state.lambda : 0.0,
                                                writer() ? double(state.pendingBudget) : 0.0},
                                               torch::kFloat64)};
    group->sum(v);
    const auto* agreed = v[0].data_ptr<double>();
    state.lambda = agreed[1];
    state.pendingBudget = int(agreed[2]);
    return agreed[0] == 0.0;
}

// Commands another process left in runDir/commands/ (`l1ra control`) join the live controls' queue.
void TrainingSession::Impl::takeCommandFiles() {
    for (const InboxCommand& c : takeRunCommands(runDir)) {
        std::string error = c.error;
        if (error.empty() && c.command == RunCommand::Lambda && !(c.value >= 0 && c.value <= 100)) error = c.file + ": lambda must be in [0, 100]";
        if (error.empty() && c.command == RunCommand::Budget && !(c.value >= 1 && c.value <= 1e9)) error = c.file + ": the rank budget must be 1 or more";
        if (!error.empty()) {
            log("command ignored: " + error, LogEvent::Level::Warning);
            continue;
        }
        std::lock_guard<std::mutex> lock(mutex);
        switch (c.command) {
        case RunCommand::Lambda: pendingLambda = c.value; break;
        case RunCommand::Budget: pendingBudget = int(c.value); break;
        case RunCommand::Stop: stopRequested = true; break;
        case RunCommand::Checkpoint: checkpointRequested = true; break;
        case RunCommand::Pause: paused = true; break;
        case RunCommand::Resume: paused = false; break;
        }
    }
}

bool TrainingSession::Impl::handleControls() {
    bool pausedHere = false;
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
        if (pendingLambda) {
            state.lambda = *pendingLambda;
            pendingLambda.reset();
            lock.unlock();
            std::string detail = "applies from this step";
            if (trainer->gated()) detail += "; prune threshold " + formatNumber(threshold()) + " from the next reallocation";
            ControlEvent e{state.step + 1, ControlKind::Lambda, state.lambda, detail};
            files->appendEvent(controlEventToJson(e));
            if (sink) sink->onControl(e);
            lock.lock();
        }
        if (pendingBudget) {
            const int budget = *pendingBudget;
            pendingBudget.reset();
            lock.unlock();
            takeBudgetRequest(budget);
            lock.lock();
        }
        if (checkpointRequested) {
            checkpointRequested = false;
            lock.unlock();
            if (checkpointOrWarn()) control(ControlKind::Checkpoint, double(state.step));
            lock.lock();
        }
        if (stopRequested) return false;
        if (!paused) break;
        if (!pausedHere) {
            pausedHere = true;
            lock.unlock();
            control(ControlKind::Pause, 0);
            emitState(RunState::Paused);
            lock.lock();
        }
        // While paused, a checkpoint or a new λ is still handled at once; the process that writes the run keeps
        // reading command files, so that a resume sent by another process (the studio attached to it) arrives.
        const auto woken = [&] {
            return !paused || stopRequested || checkpointRequested || pendingLambda.has_value() || pendingBudget.has_value();
        };
        if (!writer()) {
            wake.wait(lock, woken);
        } else if (!wake.wait_for(lock, std::chrono::milliseconds(200), woken)) {
            lock.unlock();
            takeCommandFiles();
            lock.lock();
        }
    }
    if (pausedHere) {
        lock.unlock();
        control(ControlKind::Resume, 0);
        emitState(RunState::Running);
    }
    return true;
}

namespace {

bool outOfMemory(const c10::Error& e) {
    if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return true;
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos || what.find("not enough memory") != std::string::npos;
}

}  // namespace

StepResult TrainingSession::Impl::trainStep(double lambda) {
    try {
        return trainer->step(int(state.step), lambda);
    } catch (const c10::Error& e) {
        if (!outOfMemory(e)) throw;
        stopOutOfMemory(e.what_without_backtrace());
    }
}

// A step ran out of memory: the run stops with a checkpoint of the last completed step (the failed step's partial
// gradients dropped) and a message with the memory plan's advice; the process stays usable.
void TrainingSession::Impl::stopOutOfMemory(const std::string& what) {
    for (TrainableTensor* p : trainer->trainables())
        if (p->value.grad().defined()) p->value.mutable_grad() = torch::Tensor();
    releaseCachedMemory(device);
    std::string saved = "no checkpoint was written (the optimizer had begun to update the parameters)";
    if (!trainer->interruptedInUpdate()) {
        checkpoint();
        saved = "a checkpoint of step " + std::to_string(state.step) + " was saved";
    }
    std::string advice;
    try {
        const MemoryPlan plan = planRunMemory(config);
        advice = plan.advice.empty() ? "the memory plan expected " + formatBytes(plan.peakBytes) + " here" : plan.advice;
    } catch (const std::exception&) {
    }
    const std::string firstLine = what.substr(0, what.find('\n'));
    throw Error("out of memory in step " + std::to_string(state.step + 1) + " on " + device + " (" + firstLine + "); " + saved +
                (advice.empty() ? "" : "; " + advice) + ". Change the settings and continue with `l1ra resume --run " + runDir +
                " --set KEY=VALUE`");
}

void TrainingSession::Impl::loop() {
    const int total = config.train.steps;
    double sessionSeconds = 0;
    while (state.step < total) {
        if (writer()) takeCommandFiles();
        bool goOn = handleControls();
        if (group) goOn = agreeOnControls(goOn);
        if (!goOn) break;
        const double t0 = monotonicSeconds();
        // In the cool-down (no reallocation left) the shrink stops unless l1ra.cooldown_shrink keeps it.
        const double lambda = shrinksAtStep(config, state.step + 1) ? state.lambda : 0.0;
        const StepResult r = trainStep(lambda);
        if (!r.nonFinite.empty()) divergedStep(r);   // throws when the run stops
        state.step += 1;
        const double seconds = monotonicSeconds() - t0;
        sessionSeconds += seconds;
        state.elapsedSeconds += seconds;
        ++trainStepsThisSession;
        if (r.nonFinite.empty()) reportStep(r, lambda, seconds, sessionSeconds);

        if (trainer->gated() && reallocatesAfterStep(config, state.step)) reallocate();
        if (config.eval.every > 0 && state.step % config.eval.every == 0 && state.step < total) evaluate();
        // Samples at their interval, and at an early stop (the run's last word); the end of the run samples in run().
        if (samples && ((samplesAfterStep(config, state.step) && state.step < total) || state.stoppedEarly)) writeSamples();
        if (state.stoppedEarly) break;
        if (config.checkpoint.every > 0 && state.step % config.checkpoint.every == 0 && state.step < total) checkpointOrWarn();
    }
}

void TrainingSession::Impl::reportStep(const StepResult& r, double lambda, double seconds, double sessionSeconds) {
    const int total = config.train.steps;
    state.lastLoss = r.loss;
    state.divergedInARow = 0;
    StepEvent e;
    e.step = state.step;
    e.totalSteps = total;
    e.loss = r.loss;
    e.lr = r.lr;
    e.gradNorm = r.gradNorm;
    e.lambda = trainer->gated() ? lambda : 0.0;
    e.tokens = r.lossTokens;
    const double tps = double(r.inputTokens) / std::max(seconds, 1e-9);
    smoothedTokensPerSecond = trainStepsThisSession == 1 ? tps : 0.9 * smoothedTokensPerSecond + 0.1 * tps;
    e.tokensPerSecond = smoothedTokensPerSecond;
    e.stepSeconds = seconds;
    e.elapsedSeconds = state.elapsedSeconds;
    e.etaSeconds = double(total - state.step) * sessionSeconds / double(trainStepsThisSession);
    e.memoryBytes = memoryInUse(device);
    e.totalRank = trainer->hasAdapters() ? trainer->adapters().totalRank() : 0;
    e.budget = state.budget;
    e.threshold = threshold();
    if (state.step % config.log.every == 0 || state.step == total) files->appendMetrics(stepEventToJson(e));
    if (sink) sink->onStep(e);
}

// The step made no update (Trainer::step). train.on_divergence skip drops it and lowers the learning rate, up to
// train.divergence_max_skips steps in a row; otherwise the run stops here, with no checkpoint written, so the last
// good one is what a resume starts from.
void TrainingSession::Impl::divergedStep(const StepResult& r) {
    const int64_t step = state.step + 1;
    const bool skip = config.train.onDivergence == "skip" && state.divergedInARow < config.train.divergenceMaxSkips;
    const std::string what = r.nonFinite == "loss" ? "the loss is NaN or infinite"
                                                   : "the gradient of '" + r.nonFinite + "' holds NaN or infinite values";
    DivergenceEvent e{step, r.nonFinite, skip ? "skip" : "stop", state.lrScale, state.divergedInARow + 1};
    if (skip) {
        state.divergedInARow += 1;
        state.lrScale *= config.train.divergenceLrFactor;
        trainer->setLearningRateScale(state.lrScale);
        e.lrScale = state.lrScale;
    }
    files->appendMetrics(divergenceEventToJson(e));
    if (sink) sink->onDivergence(e);
    if (skip) {
        log("step " + std::to_string(step) + " skipped: " + what + "; no update, the learning rate is now " +
                formatNumber(state.lrScale) + " x its schedule (" + std::to_string(state.divergedInARow) + " of at most " +
                std::to_string(config.train.divergenceMaxSkips) + " skipped in a row)",
            LogEvent::Level::Warning);
        return;
    }
    const std::string last = lastGoodCheckpoint();
    throw Error("training diverged at step " + std::to_string(step) + ": " + what +
                (state.divergedInARow > 0 ? " after " + std::to_string(state.divergedInARow) + " skipped steps in a row" : "") +
                ". The run stopped without writing a checkpoint; " +
                (last.empty() ? "it has none from before" : "the last good one, " + last + ", is kept") +
                ". Start again with a lower train.lr" +
                (last.empty() ? "" : ", or skip such steps from there: `l1ra resume --run " + runDir + " --set train.on_divergence=skip`"));
}

// A checkpoint during training that cannot be written (a full disk, a folder made read-only) is a warning: the
// run goes on and the older checkpoints stay. The checkpoint at the end or at a stop is not: it throws.
bool TrainingSession::Impl::checkpointOrWarn() {
    try {
        checkpoint();
        return true;
    } catch (const Error& e) {
        files->appendEvent(checkpointFailureToJson(state.step, e.what()));
        const std::string last = lastGoodCheckpoint();
        log(std::string(e.what()) + "; training goes on" + (last.empty() ? "" : " (the last checkpoint, " + last + ", is intact)"),
            LogEvent::Level::Warning);
        return false;
    }
}

// The run ends (finished or stopped) with a checkpoint; when it cannot be written the run fails, saying what is left.
void TrainingSession::Impl::finalCheckpoint() {
    const std::string last = lastGoodCheckpoint();
    try {
        checkpoint();
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + (last.empty() ? "; the run has no checkpoint to resume from"
                                                          : "; the last checkpoint, " + last + ", is intact: make room and `l1ra resume --run " +
                                                                runDir + "` continues from it"));
    }
}

std::string TrainingSession::Impl::lastGoodCheckpoint() const { return newestCheckpoint(runDir); }

// After each evaluation of a run that keeps its best checkpoint: a validation loss lower than the best by more than
// eval.min_delta becomes the best (and is saved to best/); otherwise it counts towards eval.patience.
void TrainingSession::Impl::trackBest(const EvalEvent& e) {
    if (state.bestStep == 0 || e.loss < state.bestStepLoss - config.eval.minDelta) {
        state.bestStep = state.step;
        state.bestStepLoss = e.loss;
        state.evalsSinceBest = 0;
        if (!writer()) return;
        try {
            CheckpointEvent c{state.step, saveBestCheckpoint(runDir, *trainer, state), true, e.loss};
            if (sink) sink->onCheckpoint(c);
        } catch (const Error& error) {
            files->appendEvent(checkpointFailureToJson(state.step, error.what()));
            log(std::string(error.what()) + "; training goes on (the best checkpoint kept is from before)", LogEvent::Level::Warning);
        }
        return;
    }
    state.evalsSinceBest += 1;
    if (config.eval.patience > 0 && state.evalsSinceBest >= config.eval.patience && state.step < config.train.steps) {
        state.stoppedEarly = true;
        control(ControlKind::EarlyStop, double(state.step),
                "no validation loss lower than " + formatNumber(state.bestStepLoss) + " - " + formatNumber(config.eval.minDelta) + " in " +
                    std::to_string(state.evalsSinceBest) + " evaluations; the best checkpoint is step " + std::to_string(state.bestStep));
        log("early stopping at step " + std::to_string(state.step) + ": the validation loss has not improved on step " +
            std::to_string(state.bestStep) + "'s " + formatNumber(state.bestStepLoss) + " in " + std::to_string(state.evalsSinceBest) +
            " evaluations (eval.patience " + std::to_string(config.eval.patience) + "); the best checkpoint is " + bestCheckpoint(runDir));
    }
}

void TrainingSession::Impl::writeSamples() {
    for (const SampleEvent& e : samples->generate(*trainer, state.step)) {
        files->appendSample(sampleEventToJson(e));
        std::string shown = e.text.size() > 240 ? e.text.substr(0, 240) + "..." : e.text;
        std::replace(shown.begin(), shown.end(), '\n', ' ');
        log("sample at step " + std::to_string(e.step) + " [" + std::to_string(e.index + 1) + "] " + e.prompt + " -> " + shown);
        if (sink) sink->onSample(e);
    }
}

// A budget asked for live is part of the run's state (checkpointed) until a reallocation applies it.
void TrainingSession::Impl::takeBudgetRequest(int budget) {
    state.pendingBudget = budget;
    control(ControlKind::BudgetRequest, double(budget), trainer->gated() ? budgetTiming() : "ignored: only L1RA runs reallocate rank");
    if (!trainer->gated()) state.pendingBudget = 0;
}

std::string TrainingSession::Impl::budgetTiming() const {
    const int64_t next = nextReallocationStep(config, state.step);
    return next > 0 ? "applies at the reallocation after step " + std::to_string(next) : "will not apply: no reallocation is left in this run";
}

void TrainingSession::Impl::reallocate() {
    const bool budgetRequested = state.pendingBudget > 0;
    const bool budgetChanged = budgetRequested && state.pendingBudget != state.budget;
    if (budgetRequested) state.budget = state.pendingBudget;
    state.pendingBudget = 0;
    const double t0 = monotonicSeconds();
    ReallocationEvent re = trainer->reallocate(state.step, state.budget, threshold(), maxPrunedPerReallocation(config, state.budget));
    state.elapsedSeconds += monotonicSeconds() - t0;
    if (budgetRequested) control(ControlKind::Budget, double(re.budget), budgetChanged ? "applied at this reallocation" : "unchanged");
    state.budget = re.budget;
    re.budgetChanged = budgetChanged;
    re.lambda = state.lambda;
    re.pingPong = pingPongCount(re, effectiveUpdateInterval(config));
    files->appendEvent(reallocationEventToJson(re));
    files->appendRanks(rankSnapshotToJson(re.after));
    if (sink) {
        sink->onReallocation(re);
        sink->onSnapshot(re.after);
    }
}

RunSummary TrainingSession::Impl::run() {
    RunSummary summary;
    summary.runDir = runDir;
    try {
        if (!prepare()) {
            // Nothing was written yet: the run folder stays as it was.
            summary.state = RunState::Stopped;
            summary.error = "";
            emitState(RunState::Stopped, "stopped before training started");
            return summary;
        }
        emitState(RunState::Running, describeDevice(device));
        loop();
        const bool finished = state.step >= config.train.steps || state.stoppedEarly;
        if (!finished) emitState(RunState::Stopping, "stopping at step " + std::to_string(state.step));
        if (finished) {
            if (!state.stoppedEarly) {   // early stopping has just evaluated (and sampled) this step
                evaluate();
                if (samples && samplesAfterStep(config, state.step)) writeSamples();
            }
            snapshot();
            if (state.pendingBudget > 0)
                log("the budget of " + std::to_string(state.pendingBudget) + " was not applied: the run ended before another reallocation",
                    LogEvent::Level::Warning);
        } else {
            control(ControlKind::Stop, double(state.step));
        }
        finalCheckpoint();
        summary.state = finished ? RunState::Finished : RunState::Stopped;
    } catch (const std::exception& e) {
        summary.state = RunState::Failed;
        summary.error = e.what();
        log(std::string("training failed: ") + e.what(), LogEvent::Level::Error);
    }
    summary.steps = state.step;
    summary.finalLoss = state.lastLoss;
    summary.bestValLoss = state.bestValLoss;
    summary.finalValLoss = state.lastValLoss;
    summary.wallSeconds = state.elapsedSeconds;
    summary.stoppedEarly = state.stoppedEarly;
    summary.bestCheckpoint = bestCheckpoint(runDir);
    // The step of the folder kept (a best whose save failed is not the one on disk).
    summary.bestStep = 0;
    if (!summary.bestCheckpoint.empty()) {
        const std::string digits = summary.bestCheckpoint.substr(summary.bestCheckpoint.rfind("step-") + 5);
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 18)
            summary.bestStep = std::stoll(digits);
    }
    if (trainer) summary.trainableParameters = trainer->trainableParameterCount();
    summary.worldSize = processes.worldSize;
    if (files) {
        try {
            files->writeSummary(runSummaryToJson(summary));
        } catch (const std::exception& e) {
            log(std::string("cannot write the summary: ") + e.what(), LogEvent::Level::Error);
        }
    }
    emitState(summary.state, summary.error);
    return summary;
}

}  // namespace l1ra
