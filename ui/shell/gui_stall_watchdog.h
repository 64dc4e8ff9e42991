#pragma once
// Notices when the GUI thread stops answering: a precise heartbeat timer on the GUI thread measures the gap
// between its ticks, less the time the thread spent waiting for events in the event loop and waiting for a CPU
// (gui_thread_time.h), so neither a busy two-core machine nor a host that wakes an idle virtual CPU late is
// mistaken for a blocked GUI. Debug builds of the studio warn on every stall; the UI tests fail on them while
// training runs.
#include "shell/gui_thread_time.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace l1ra::ui {

struct GuiStall {
    qint64 atMs = 0;         // since start()
    qint64 blockedMs = 0;    // gap between heartbeats less event-loop and run-queue waits
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
    // Whether event-loop waits are told apart (glib's event loop); without, a gap counts beyond the heartbeat.
    bool seesEventLoopWaits() const { return waitsKnown_; }
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
    GuiThreadTime last_;
    bool waitsKnown_ = false;
    qint64 longest_ = 0;
    qint64 beats_ = 0;
    QVector<GuiStall> stalls_;
};

// Debug builds: a watchdog on the application that warns (qWarning) about every stall. Release: nothing.
void installDebugGuiWatchdog(QObject* application);

}  // namespace l1ra::ui
