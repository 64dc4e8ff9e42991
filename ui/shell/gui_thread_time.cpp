#include "shell/gui_thread_time.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QThread>

#include <atomic>
#include <cstdlib>
#include <ctime>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

namespace l1ra::ui {

namespace {

qint64 clockNs(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// Second field of /proc/thread-self/schedstat: nanoseconds runnable but waiting for a CPU. The file is opened once
// per thread and re-read with pread, which regenerates it: the poll hook below reads it twice per blocking poll.
struct SchedstatFile {
    const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    ~SchedstatFile() {
        if (fd >= 0) ::close(fd);
    }
};

qint64 runQueueWaitNs() {
    thread_local const SchedstatFile file;
    const int fd = file.fd;
    if (fd < 0) return 0;
    char text[128];
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return 0;
    text[n] = '\0';
    char* rest = nullptr;
    std::strtoll(text, &rest, 10);                       // first field: time on a CPU
    return rest == text ? 0 : std::strtoll(rest, nullptr, 10);
}

// glib's GPollFunc, and the three functions of its main-context API we need. They are resolved at run time from
// the glib that QtCore has loaded, so the build needs no glib headers; the descriptors are passed through untouched.
using PollFunc = int (*)(void* descriptors, unsigned count, int timeoutMs);

struct EventWaitCounters {
    PollFunc original = nullptr;
    std::atomic<pid_t> thread{0};   // set once the hook is in place
    std::atomic<qint64> waitNs{0};
    std::atomic<qint64> runQueueNs{0};
};

EventWaitCounters& counters() {
    static EventWaitCounters c;
    return c;
}

// Times every blocking poll of the measured thread; polls with a zero timeout cannot wait, so they are not read.
int pollAndMeasure(void* descriptors, unsigned count, int timeoutMs) {
    EventWaitCounters& c = counters();
    if (timeoutMs == 0 || gettid() != c.thread) return c.original(descriptors, count, timeoutMs);
    const qint64 queuedBefore = runQueueWaitNs();
    const qint64 start = clockNs(CLOCK_MONOTONIC);
    const int ready = c.original(descriptors, count, timeoutMs);
    c.waitNs.fetch_add(clockNs(CLOCK_MONOTONIC) - start, std::memory_order_relaxed);
    c.runQueueNs.fetch_add(runQueueWaitNs() - queuedBefore, std::memory_order_relaxed);
    return ready;
}

bool installPollHook() {
    const QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance(QThread::currentThread());
    if (!dispatcher || !dispatcher->inherits("QEventDispatcherGlib")) return false;
    using ContextDefault = void* (*)();
    using GetPollFunc = PollFunc (*)(void* context);
    using SetPollFunc = void (*)(void* context, PollFunc);
    const auto contextDefault = reinterpret_cast<ContextDefault>(dlsym(RTLD_DEFAULT, "g_main_context_default"));
    const auto getPollFunc = reinterpret_cast<GetPollFunc>(dlsym(RTLD_DEFAULT, "g_main_context_get_poll_func"));
    const auto setPollFunc = reinterpret_cast<SetPollFunc>(dlsym(RTLD_DEFAULT, "g_main_context_set_poll_func"));
    if (!contextDefault || !getPollFunc || !setPollFunc) return false;
    // The GUI thread's glib dispatcher iterates the default context (worker threads get contexts of their own).
    void* context = contextDefault();
    EventWaitCounters& c = counters();
    c.original = getPollFunc(context);
    if (!c.original) return false;
    c.thread = gettid();
    setPollFunc(context, &pollAndMeasure);
    return true;
}

}  // namespace

bool measureEventLoopWaits() {
    // Only the application's thread iterates glib's default context; hooking from another thread would measure nothing.
    const QCoreApplication* app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread()) return false;
    static const bool installed = installPollHook();
    return installed && counters().thread == gettid();
}

GuiThreadTime guiThreadTime() {
    GuiThreadTime t;
    t.cpuNs = clockNs(CLOCK_THREAD_CPUTIME_ID);
    t.runQueueNs = runQueueWaitNs();
    const EventWaitCounters& c = counters();
    t.eventWaitKnown = c.thread == gettid() && c.original;
    if (t.eventWaitKnown) {
        t.eventWaitNs = c.waitNs.load(std::memory_order_relaxed);
        t.runQueueInEventWaitNs = c.runQueueNs.load(std::memory_order_relaxed);
    }
    return t;
}

}  // namespace l1ra::ui
