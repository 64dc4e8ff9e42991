#pragma once
// One piece of slow work (an export, reading a run record, loading a model) on its own thread, with the
// result handed back on the GUI thread. The GUI never waits for it, except the destructor, which joins a job
// still running so that nothing outlives the objects it writes into.
#include <QObject>
#include <QString>

#include <functional>
#include <thread>

namespace l1ra::ui {

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    explicit BackgroundJob(QObject* parent = nullptr);
    ~BackgroundJob() override;

    // `work` runs on a new thread; an exception it throws becomes `error`. `done` runs afterwards on this
    // object's thread. Returns false (and runs nothing) while a previous job is still running.
    bool start(std::function<void()> work, std::function<void(const QString& error)> done);
    bool isRunning() const { return running_; }

Q_SIGNALS:
    void runningChanged(bool running);

private:
    void complete(const QString& error);

    std::thread thread_;
    std::function<void(const QString&)> done_;
    bool running_ = false;
};

}  // namespace l1ra::ui
