#include "shell/gui_stall_watchdog.h"

#include <QFile>
#include <QThread>

#include <ctime>

namespace l1ra::ui {

namespace {

// Nanoseconds the calling thread has spent runnable but waiting for a CPU (second field of schedstat); 0 where
// the kernel does not say, which makes the watchdog count scheduler delays as stalls (stricter, never laxer).
qint64 runQueueWaitNs() {
    QFile file(QStringLiteral("/proc/thread-self/schedstat"));
    if (!file.open(QIODevice::ReadOnly)) return 0;
    const QList<QByteArray> fields = file.readAll().simplified().split(' ');
    return fields.size() >= 2 ? fields[1].toLongLong() : 0;
}

qint64 threadCpuNs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

}  // namespace

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
    lastQueuedNs_ = runQueueWaitNs();
    lastCpuNs_ = threadCpuNs();
    timer_.start();
}

void GuiStallWatchdog::stop() { timer_.stop(); }

void GuiStallWatchdog::beat() {
    const qint64 now = clock_.nsecsElapsed();
    const qint64 queued = runQueueWaitNs();
    const qint64 cpu = threadCpuNs();
    const qint64 busyMs = (cpu - lastCpuNs_) / 1000000;
    const qint64 gapNs = now - lastBeatNs_;
    const qint64 blockedMs = (gapNs - (queued - lastQueuedNs_)) / 1000000 - kIntervalMs;
    lastBeatNs_ = now;
    lastQueuedNs_ = queued;
    lastCpuNs_ = cpu;
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
