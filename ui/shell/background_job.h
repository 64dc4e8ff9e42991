#pragma once
// Slow work (an export, reading a run record, inspecting a model, generating text) on its own thread, with the
// result handed back on the GUI thread: the one way the studio's pages leave the GUI thread (the training run
// has its own, in TrainingController). The GUI never waits for a job, except the destructor, which cancels and
// joins what is still running so that nothing outlives the objects it writes into.
//
// Two policies when a job is started while another runs:
//   Refuse     start() returns false; one job at a time (exports, generation).
//   Supersede  the running job is cancelled and its result dropped; the newest job's result is delivered
//              (inspections that follow what the user types: only the latest answer matters).
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace l1ra::ui {

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    enum class Policy { Refuse, Supersede };
    // Set when the job's result is no longer wanted; work that can stop early polls it.
    using CancelFlag = std::atomic<bool>;
    using Work = std::function<void(const CancelFlag& cancelled)>;
    using Done = std::function<void(const QString& error)>;

    explicit BackgroundJob(QObject* parent = nullptr, Policy policy = Policy::Refuse);
    ~BackgroundJob() override;

    // `work` runs on a new thread; an exception it throws becomes `error`. `done` runs afterwards on this
    // object's thread, unless the job was superseded or this object is gone. Refuse: false (and nothing runs)
    // while a previous job is still running.
    bool start(Work work, Done done);
    bool start(std::function<void()> work, Done done);
    // Sets the running job's cancel flag. Refuse: its `done` still runs (with whatever the work made of it);
    // Supersede: its result is dropped, as when a newer job starts.
    void cancel();
    bool isRunning() const { return running_; }
    bool wasCancelled() const { return lastCancelled_; }   // the job whose `done` runs (or ran last)

Q_SIGNALS:
    void runningChanged(bool running);

private:
    struct Thread {
        quint64 id = 0;
        std::shared_ptr<CancelFlag> cancelled;
        std::thread thread;
    };

    void flagCurrent();
    void complete(quint64 id, const QString& error);

    Policy policy_;
    std::vector<Thread> threads_;   // the current job and, under Supersede, older ones still finishing
    quint64 nextId_ = 0;
    quint64 currentId_ = 0;
    Done done_;
    bool running_ = false;
    bool lastCancelled_ = false;
};

}  // namespace l1ra::ui
