#include "interruptible_run.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <pthread.h>
#include <thread>

namespace l1ra::cli {

RunSummary runInterruptible(TrainingSession& session, const std::function<void()>& onInterrupt) {
    sigset_t signals, previous;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    // Blocked here and in the worker (which inherits the mask): only sigtimedwait below sees them.
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    RunSummary summary;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        summary = session.run();
        done = true;
    });
    bool interrupted = false;
    while (!done) {
        timespec wait{0, 100 * 1000 * 1000};
        if (sigtimedwait(&signals, nullptr, &wait) > 0 && !interrupted) {
            interrupted = true;
            if (onInterrupt) onInterrupt();
            session.stop();
        }
    }
    worker.join();
    timespec none{0, 0};
    while (sigtimedwait(&signals, nullptr, &none) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return summary;
}

}  // namespace l1ra::cli
