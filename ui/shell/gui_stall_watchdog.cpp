#include "shell/gui_stall_watchdog.h"

#include <QThread>

namespace l1ra::ui {

GuiStallWatchdog::GuiStallWatchdog(QObject* parent, int thresholdMs) : QObject(parent), thresholdMs_(thresholdMs) {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kIntervalMs);
    connect(&timer_, &QTimer::timeout, this, &GuiStallWatchdog::beat);
}

void GuiStallWatchdog::start() {
    Q_ASSERT(QThread::currentThread() == thread());
    stalls_.clear();
    longest_ = 0;
    beats_ = 0;
    clock_.start();
    lastBeatNs_ = 0;
    waitsKnown_ = measureEventLoopWaits();
    last_ = guiThreadTime();
    timer_.start();
}

void GuiStallWatchdog::stop() { timer_.stop(); }

void GuiStallWatchdog::beat() {
    const qint64 now = clock_.nsecsElapsed();
    const GuiThreadTime t = guiThreadTime();
    const qint64 gapNs = now - lastBeatNs_;
    const qint64 busyMs = (t.cpuNs - last_.cpuNs) / 1000000;
    const qint64 queuedNs = t.runQueueNs - last_.runQueueNs;
    qint64 blockedMs = 0;
    if (t.eventWaitKnown) {
        // The gap less the event-loop waits (a late wake-up among them) and the CPU waits outside them.
        const qint64 waitedNs = t.eventWaitNs - last_.eventWaitNs;
        const qint64 queuedOutsideNs = queuedNs - (t.runQueueInEventWaitNs - last_.runQueueInEventWaitNs);
        blockedMs = (gapNs - waitedNs - queuedOutsideNs) / 1000000;
    } else {
        // Unknown waits: the gap beyond the heartbeat less the CPU waits (a late wake-up counts as blocked).
        blockedMs = (gapNs - queuedNs) / 1000000 - kIntervalMs;
    }
    lastBeatNs_ = now;
    last_ = t;
    ++beats_;
    longest_ = std::max(longest_, blockedMs);
    if (blockedMs <= thresholdMs_) return;
    stalls_.push_back({now / 1000000 - blockedMs, blockedMs, busyMs});
    Q_EMIT stalled(blockedMs);
}

QString GuiStallWatchdog::report() const {
    QStringList lines;
    for (const GuiStall& s : stalls_)
        lines << QStringLiteral("GUI thread blocked %1 ms (%2 ms computing) at %3 ms").arg(s.blockedMs).arg(s.busyMs).arg(s.atMs);
    return lines.join('\n');
}

void installDebugGuiWatchdog(QObject* application) {
#ifndef NDEBUG
    auto* watchdog = new GuiStallWatchdog(application);
    QObject::connect(watchdog, &GuiStallWatchdog::stalled,
                     [](qint64 ms) { qWarning("l1ra-studio: the GUI thread was blocked for %lld ms", static_cast<long long>(ms)); });
    watchdog->start();
#else
    Q_UNUSED(application);
#endif
}

}  // namespace l1ra::ui
