#pragma once
// The one object that talks to the engine's training thread. It owns the run it drives and the worker thread
// that runs it, forwards commands (all non-blocking: the run only records them for the next step boundary)
// and turns the engine's events, which arrive on the worker thread, into Qt signals on the GUI thread.
// The run is trained here (l1ra::TrainingSession) or by another process and followed through its run folder
// (l1ra::AttachedRun, attach()): the signals and commands are the same.
//
// State machine (state()):
//   Idle -> Preparing -> Running <-> Paused -> Stopping -> Stopped
//                     \-> (last step) ------------------> Finished
//   any of them -> Failed (bad config, unreadable model or data, an engine error)
//   attached: Preparing -> Running/Paused (the followed run's) -> ... as above, or -> Idle when detach()ed
// Finished, Stopped and Failed are "ended": start() or resumeRun() may begin the next run from there.
// The ended state is entered only once the worker thread has returned and been joined, so a new run can start
// the moment finished() is emitted.
#include "l1ra/run_config.h"
#include "l1ra/steerable_run.h"
#include "l1ra/training_events.h"
#include "l1ra/training_session.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <thread>

namespace l1ra::ui {

class TrainingEventQueue;
struct StateChange;
struct RunEnded;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    // A run still in progress is stopped (it checkpoints) and waited for: close the window through
    // MainWindow, which waits for finished() without blocking, rather than relying on this. A followed run is
    // left to go on.
    ~TrainingController() override;

    // A new run writing into runDir (absent or empty). False (and Failed, with the reason in lastError() and
    // the log) when the config is invalid or the folder is taken; true when the worker started.
    bool start(const l1ra::RunConfig& config, const QString& runDir);
    // Continues a stopped run from its newest checkpoint (l1ra::TrainingSession::resume).
    bool resumeRun(const QString& runDir);
    // Follows a run another process trains (a headless or data-parallel `l1ra train`): its folder so far, then
    // what it does; the commands below reach it as command files. False when the folder cannot be followed (not
    // a run, ended, or no process trains it): the reason in lastError() and the log, the state unchanged.
    bool attach(const QString& runDir);
    // Stops following an attached run; it goes on. The controller becomes Idle (finished() with the state the
    // run was in).
    void detach();

    // Commands; each applies at the engine's next step boundary and is confirmed by controlApplied()/stateChanged().
    void pause();
    void resume();
    void stop();            // checkpoints, then the run ends as Stopped
    void checkpointNow();
    bool setLambda(double lambda);   // false when no run takes it (or the value is out of range: logged)
    bool setBudget(int budget);      // applies at the next reallocation

    l1ra::RunState state() const { return state_; }
    // A worker thread exists (Preparing, Running, Paused or Stopping).
    bool isActive() const { return worker_.joinable(); }
    bool isPauseRequested() const { return pauseRequested_; }
    bool isStopRequested() const { return stopRequested_; }
    bool canPause() const;
    bool canResume() const;
    bool canStop() const;
    bool canCheckpoint() const;
    bool acceptsLiveChanges() const;   // λ and budget
    bool isAttached() const { return isActive() && !following_.isEmpty(); }

    QString runDir() const { return runDir_; }
    const l1ra::RunConfig& config() const { return config_; }
    QString deviceDescription() const { return device_; }
    bool hasStep() const { return hasStep_; }
    const l1ra::StepEvent& lastStep() const { return lastStep_; }
    const l1ra::RunSummary& lastSummary() const { return summary_; }
    QString lastError() const { return lastError_; }

    // "Running", "Paused", ... for status bars.
    static QString stateText(l1ra::RunState state);
    static bool isEnded(l1ra::RunState state);

Q_SIGNALS:
    void stateChanged(l1ra::RunState state, const QString& detail);
    void runStarted(const QString& runDir);
    void stepReceived(const l1ra::StepEvent& step);
    void evalReceived(const l1ra::EvalEvent& eval);
    void snapshotReceived(const l1ra::RankSnapshot& snapshot);
    void reallocationReceived(const l1ra::ReallocationEvent& event);
    void controlApplied(const l1ra::ControlEvent& control);
    void checkpointSaved(const l1ra::CheckpointEvent& checkpoint);
    // A step with a non-finite loss or gradient (skipped, or the run stops); the log has the engine's line on it.
    void divergenceReceived(const l1ra::DivergenceEvent& divergence);
    // One of samples.prompts answered with the adapter as it trains (the log has a line for it too).
    void sampleReceived(const l1ra::SampleEvent& sample);
    void logReceived(const l1ra::LogEvent& log);
    void finished(const l1ra::RunSummary& summary);

private:
    bool launch(std::unique_ptr<l1ra::SteerableRun> run, const QString& runDir);
    void beginRun();
    void updateDevice();
    void failBeforeStart(const QString& runDir, const QString& message);
    void requestDrain();
    Q_INVOKABLE void drain();   // queued by name from the training thread (requestDrain)
    void handleState(const StateChange& change);
    void handleEnd(const RunEnded& ended);
    void setState(l1ra::RunState state, const QString& detail = QString());
    void logError(const QString& text);

    std::unique_ptr<TrainingEventQueue> queue_;
    std::unique_ptr<l1ra::SteerableRun> run_;
    QString following_;   // attached: the process that trains the run ("pid N on host")
    std::thread worker_;

    l1ra::RunState state_ = l1ra::RunState::Idle;
    l1ra::RunConfig config_;
    QString runDir_;
    QString device_;
    QString lastError_;
    l1ra::StepEvent lastStep_;
    bool hasStep_ = false;
    l1ra::RunSummary summary_;
    bool pauseRequested_ = false;
    bool stopRequested_ = false;
    bool draining_ = false;
    bool drainAgain_ = false;
};

}  // namespace l1ra::ui

Q_DECLARE_METATYPE(l1ra::RunState)
Q_DECLARE_METATYPE(l1ra::StepEvent)
Q_DECLARE_METATYPE(l1ra::EvalEvent)
Q_DECLARE_METATYPE(l1ra::RankSnapshot)
Q_DECLARE_METATYPE(l1ra::ReallocationEvent)
Q_DECLARE_METATYPE(l1ra::ControlEvent)
Q_DECLARE_METATYPE(l1ra::CheckpointEvent)
Q_DECLARE_METATYPE(l1ra::DivergenceEvent)
Q_DECLARE_METATYPE(l1ra::SampleEvent)
Q_DECLARE_METATYPE(l1ra::LogEvent)
Q_DECLARE_METATYPE(l1ra::RunSummary)
