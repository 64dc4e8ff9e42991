#include "live/training_controller.h"

#include "live/training_event_queue.h"

#include "l1ra/attached_run.h"
#include "l1ra/runtime.h"

#include <QMetaObject>

#include <exception>
#include <utility>

namespace l1ra::ui {

namespace {

// std::visit over the event variant with one lambda per alternative.
template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<l1ra::RunState>();
    qRegisterMetaType<l1ra::StepEvent>();
    qRegisterMetaType<l1ra::EvalEvent>();
    qRegisterMetaType<l1ra::DivergenceEvent>();
    qRegisterMetaType<l1ra::SampleEvent>();
    qRegisterMetaType<l1ra::RankSnapshot>();
    qRegisterMetaType<l1ra::ReallocationEvent>();
    qRegisterMetaType<l1ra::ControlEvent>();
    qRegisterMetaType<l1ra::CheckpointEvent>();
    qRegisterMetaType<l1ra::LogEvent>();
    qRegisterMetaType<l1ra::RunSummary>();
    // Called on the worker thread: it only posts, never waits.
    queue_ = std::make_unique<TrainingEventQueue>([this] { requestDrain(); });
}

TrainingController::~TrainingController() {
    if (worker_.joinable()) {
        // A run trained here stops (waking it when paused; it checkpoints before run() returns); a followed one
        // goes on.
        run_->leave();
        worker_.join();
    }
}

QString TrainingController::stateText(l1ra::RunState state) {
    switch (state) {
        case l1ra::RunState::Idle: return tr("Ready");
        case l1ra::RunState::Preparing: return tr("Preparing");
        case l1ra::RunState::Running: return tr("Running");
        case l1ra::RunState::Paused: return tr("Paused");
        case l1ra::RunState::Stopping: return tr("Stopping\u2026");
        case l1ra::RunState::Finished: return tr("Finished");
        case l1ra::RunState::Stopped: return tr("Stopped");
        case l1ra::RunState::Failed: return tr("Failed");
    }
    return {};
}

bool TrainingController::isEnded(l1ra::RunState state) {
    return state == l1ra::RunState::Finished || state == l1ra::RunState::Stopped || state == l1ra::RunState::Failed;
}

bool TrainingController::canPause() const {
    return isActive() && !stopRequested_ && !pauseRequested_ &&
           (state_ == l1ra::RunState::Running || state_ == l1ra::RunState::Preparing);
}

bool TrainingController::canResume() const {
    return isActive() && !stopRequested_ && (state_ == l1ra::RunState::Paused || pauseRequested_);
}

bool TrainingController::canStop() const { return isActive() && !stopRequested_; }

bool TrainingController::canCheckpoint() const {
    return isActive() && !stopRequested_ && (state_ == l1ra::RunState::Running || state_ == l1ra::RunState::Paused);
}

bool TrainingController::acceptsLiveChanges() const { return isActive() && !stopRequested_; }

bool TrainingController::start(const l1ra::RunConfig& config, const QString& runDir) {
    if (isActive()) {
        logError(tr("A run is in progress (%1): stop it before starting another").arg(runDir_));
        return false;
    }
    std::unique_ptr<l1ra::TrainingSession> session;
    try {
        session = std::make_unique<l1ra::TrainingSession>(config, runDir.toStdString(), queue_.get());
    } catch (const std::exception& e) {
        config_ = config;
        failBeforeStart(runDir, QString::fromStdString(e.what()));
        return false;
    }
    following_.clear();
    return launch(std::move(session), runDir);
}

bool TrainingController::resumeRun(const QString& runDir) {
    if (isActive()) {
        logError(tr("A run is in progress (%1): stop it before resuming another").arg(runDir_));
        return false;
    }
    std::unique_ptr<l1ra::TrainingSession> session;
    try {
        session = l1ra::TrainingSession::resume(runDir.toStdString(), queue_.get());
    } catch (const std::exception& e) {
        failBeforeStart(runDir, QString::fromStdString(e.what()));
        return false;
    }
    following_.clear();
    return launch(std::move(session), runDir);
}

bool TrainingController::attach(const QString& runDir) {
    if (isActive()) {
        logError(tr("A run is in progress (%1): stop it or detach before attaching to another").arg(runDir_));
        return false;
    }
    std::unique_ptr<l1ra::AttachedRun> attached;
    try {
        attached = std::make_unique<l1ra::AttachedRun>(runDir.toStdString(), queue_.get());
    } catch (const std::exception& e) {
        // Nothing started and nothing failed but the attempt: the state stays as it was.
        logError(tr("cannot attach: %1").arg(QString::fromStdString(e.what())));
        lastError_ = QString::fromStdString(e.what());
        return false;
    }
    following_ = QString::fromStdString(attached->describeProcess());
    return launch(std::move(attached), runDir);
}

void TrainingController::detach() {
    if (isAttached()) run_->leave();
}

bool TrainingController::launch(std::unique_ptr<l1ra::SteerableRun> run, const QString& runDir) {
    run_ = std::move(run);
    config_ = run_->config();
    runDir_ = runDir;
    beginRun();
    updateDevice();
    setState(l1ra::RunState::Preparing);
    l1ra::SteerableRun* run_ptr = run_.get();
    TrainingEventQueue* queue = queue_.get();
    worker_ = std::thread([run_ptr, queue] {
        l1ra::RunSummary summary;
        try {
            summary = run_ptr->run();   // reports its own errors; the catch is for the unexpected
        } catch (const std::exception& e) {
            summary.runDir = run_ptr->runDir();
            summary.state = l1ra::RunState::Failed;
            summary.error = e.what();
        }
        queue->push(RunEnded{std::move(summary)});   // the worker's last touch of anything shared
    });
    // After the worker exists (isActive() holds for the slots); its events are queued, so they come after this.
    Q_EMIT runStarted(runDir_);
    return true;
}

void TrainingController::updateDevice() {
    if (!following_.isEmpty()) {
        device_ = tr("followed: %1").arg(following_);   // the run's own device is the other process's business
        return;
    }
    try {
        const std::string device = l1ra::resolveDevice(config_.device);
        if (device.rfind("cuda", 0) == 0) {
            device_ = QString::fromStdString(l1ra::describeDevice(device));
        } else {
            // describeDevice() reports the calling thread's OpenMP thread count, and only the worker sets it:
            // name the count the run uses instead (train.threads, else the engine's default).
            const int threads = config_.threads > 0 ? config_.threads : l1ra::defaultThreadCount();
            device_ = tr("cpu (%1)").arg(threads == 1 ? tr("1 thread") : tr("%1 threads").arg(threads));
        }
    } catch (const std::exception&) {
        device_ = QString::fromStdString(config_.device);   // the run itself reports why the device is unusable
    }
}

void TrainingController::beginRun() {
    lastError_.clear();
    hasStep_ = false;
    lastStep_ = {};
    summary_ = {};
    pauseRequested_ = stopRequested_ = false;
}

void TrainingController::failBeforeStart(const QString& runDir, const QString& message) {
    runDir_ = runDir;
    beginRun();
    lastError_ = message;
    summary_.runDir = runDir.toStdString();
    summary_.state = l1ra::RunState::Failed;
    summary_.error = message.toStdString();
    Q_EMIT logReceived({l1ra::LogEvent::Level::Error, tr("cannot start the run: %1").arg(message).toStdString()});
    setState(l1ra::RunState::Failed, message);
    Q_EMIT finished(summary_);
}

void TrainingController::pause() {
    if (!canPause()) return;
    pauseRequested_ = true;
    run_->pause();
    Q_EMIT stateChanged(state_, tr("pausing at the next step"));
}

void TrainingController::resume() {
    if (!canResume()) return;
    pauseRequested_ = false;
    run_->resume();
    Q_EMIT stateChanged(state_, tr("resuming"));
}

void TrainingController::stop() {
    if (!canStop()) return;
    stopRequested_ = true;
    run_->stop();
    setState(l1ra::RunState::Stopping, tr("saving a checkpoint"));
}

void TrainingController::checkpointNow() {
    if (!canCheckpoint()) return;
    run_->checkpointNow();
}

bool TrainingController::setLambda(double lambda) {
    if (!acceptsLiveChanges()) return false;
    try {
        run_->setLambda(lambda);
    } catch (const std::exception& e) {
        logError(QString::fromStdString(e.what()));
        return false;
    }
    return true;
}

bool TrainingController::setBudget(int budget) {
    if (!acceptsLiveChanges()) return false;
    try {
        run_->setBudget(budget);
    } catch (const std::exception& e) {
        logError(QString::fromStdString(e.what()));
        return false;
    }
    return true;
}

void TrainingController::logError(const QString& text) {
    lastError_ = text;
    Q_EMIT logReceived({l1ra::LogEvent::Level::Error, text.toStdString()});
}

void TrainingController::requestDrain() {
    // Called on the training thread. By name, not with a lambda: Qt builds the queued call itself, so no object
    // written here is read on the GUI thread behind Qt's event-queue lock, which ThreadSanitizer cannot see.
    QMetaObject::invokeMethod(this, "drain", Qt::QueuedConnection);
}

void TrainingController::drain() {
    // A slot that opens a modal dialog runs a nested event loop, which may call drain() again; the nested call
    // must not overtake the events still being delivered, so it only asks for another round afterwards.
    if (draining_) {
        drainAgain_ = true;
        return;
    }
    draining_ = true;
    // One batch per wake-up: events pushed meanwhile posted their own wake-up, so the event loop breathes.
    std::deque<TrainingEvent> batch = queue_->takeAll();
    for (TrainingEvent& event : batch) {
        std::visit(Overloaded{
                       [this](const StateChange& e) { handleState(e); },
                       [this](const l1ra::StepEvent& e) {
                           lastStep_ = e;
                           hasStep_ = true;
                           Q_EMIT stepReceived(e);
                       },
                       [this](const l1ra::EvalEvent& e) { Q_EMIT evalReceived(e); },
                       [this](const l1ra::RankSnapshot& e) { Q_EMIT snapshotReceived(e); },
                       [this](const l1ra::ReallocationEvent& e) { Q_EMIT reallocationReceived(e); },
                       [this](const l1ra::ControlEvent& e) { Q_EMIT controlApplied(e); },
                       [this](const l1ra::CheckpointEvent& e) { Q_EMIT checkpointSaved(e); },
                       [this](const l1ra::DivergenceEvent& e) { Q_EMIT divergenceReceived(e); },
                       [this](const l1ra::SampleEvent& e) { Q_EMIT sampleReceived(e); },
                       [this](const l1ra::LogEvent& e) { Q_EMIT logReceived(e); },
                       [this](const RunEnded& e) { handleEnd(e); },
                   },
                   event);
    }
    draining_ = false;
    if (std::exchange(drainAgain_, false)) requestDrain();
}

void TrainingController::handleState(const StateChange& change) {
    const QString detail = QString::fromStdString(change.detail);
    // The ended state is set by RunEnded, once the thread is done; here only remember why it failed.
    if (isEnded(change.state)) {
        if (change.state == l1ra::RunState::Failed) lastError_ = detail;
        return;
    }
    // After stop() the run may still report Running (e.g. it was preparing): the user already sees Stopping.
    if (stopRequested_ && change.state != l1ra::RunState::Stopping) return;
    if (change.state == l1ra::RunState::Paused) pauseRequested_ = false;
    // The run has set its thread count while preparing: describe the device as it now runs.
    if (change.state == l1ra::RunState::Running) updateDevice();
    setState(change.state, detail);
}

void TrainingController::handleEnd(const RunEnded& ended) {
    if (worker_.joinable()) worker_.join();   // it pushed RunEnded as its last act: this returns at once
    run_.reset();
    summary_ = ended.summary;
    if (!isEnded(summary_.state)) {   // an attached run left (or no longer followable): it goes on
        following_.clear();
        pauseRequested_ = stopRequested_ = false;
        if (!summary_.error.empty()) lastError_ = QString::fromStdString(summary_.error);
        setState(l1ra::RunState::Idle, summary_.error.empty() ? tr("detached; the run goes on in its own process")
                                                              : QString::fromStdString(summary_.error));
        Q_EMIT finished(summary_);
        return;
    }
    following_.clear();
    if (summary_.state == l1ra::RunState::Failed && !summary_.error.empty()) lastError_ = QString::fromStdString(summary_.error);
    pauseRequested_ = stopRequested_ = false;
    setState(summary_.state, QString::fromStdString(summary_.error));
    Q_EMIT finished(summary_);
}

void TrainingController::setState(l1ra::RunState state, const QString& detail) {
    if (state == state_ && detail.isEmpty()) return;
    state_ = state;
    Q_EMIT stateChanged(state_, detail);
}

}  // namespace l1ra::ui
