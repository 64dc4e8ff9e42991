#pragma once
// Notices when the GUI thread stops answering: a precise heartbeat timer on the GUI thread measures the gap
// between its ticks, less the time the thread spent waiting for a CPU (Linux schedstat), so a busy two-core
// machine is not mistaken for a blocked GUI. Debug builds of the studio warn on every stall; the UI tests fail
// on them while training runs.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace l1ra::ui {

struct GuiStall {
    qint64 atMs = 0;         // since start()
    qint64 blockedMs = 0;    // gap between heartbeats beyond the interval, run-queue waiting excluded
    qint64 busyMs = 0;       // of which the GUI thread was computing (the rest it waited: a lock, a file, a sleep)
};

class GuiStallWatchdog : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultThresholdMs = 50;
    explicit GuiStallWatchdog(QObject* parent = nullptr, int thresholdMs = kDefaultThresholdMs);

    void start();
    void stop();
    bool isRunning() const { return timer_.isActive(); }
    int thresholdMs() const { return thresholdMs_; }

    const QVector<GuiStall>& stalls() const { return stalls_; }
    qint64 longestBlockedMs() const { return longest_; }
    qint64 heartbeats() const { return beats_; }
    QString report() const;   // one line per stall, for a test's failure message or a log

Q_SIGNALS:
    void stalled(qint64 blockedMs);

private:
    void beat();

    static constexpr int kIntervalMs = 10;
    const int thresholdMs_;
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 lastBeatNs_ = 0;
    qint64 lastQueuedNs_ = 0;
    qint64 lastCpuNs_ = 0;
    qint64 longest_ = 0;
    qint64 beats_ = 0;
    QVector<GuiStall> stalls_;
};

// Debug builds: a watchdog on the application that warns (qWarning) about every stall. Release: nothing.
void installDebugGuiWatchdog(QObject* application);

}  // namespace l1ra::ui
