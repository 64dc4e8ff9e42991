#pragma once
// Where the GUI thread's time went, for GuiStallWatchdog: computing, waiting for a CPU, and waiting for events
// inside the event loop. The last one tells "the GUI thread was blocked" apart from "the GUI thread was idle and
// woke late": a virtual machine's host can leave an idle vCPU asleep for tens of milliseconds past its timer, and
// the thread then looks neither busy nor queued, exactly as if it had waited on a lock.
#include <QtGlobal>

namespace l1ra::ui {

struct GuiThreadTime {
    qint64 cpuNs = 0;                  // computing (CLOCK_THREAD_CPUTIME_ID)
    qint64 runQueueNs = 0;             // runnable but waiting for a CPU (Linux schedstat; 0 where unknown)
    qint64 eventWaitNs = 0;            // inside the event loop's poll, waiting for an event or a timer
    qint64 runQueueInEventWaitNs = 0;  // the part of runQueueNs spent inside that poll (woken, not yet running)
    bool eventWaitKnown = false;       // false: the event loop is not glib's, and eventWait* stay 0
};

// Starts counting the calling thread's event-loop waits (once per process; later calls are no-ops). Works when
// the thread's event dispatcher is glib's, as Qt's is on Linux desktops and under the offscreen platform;
// returns whether it does. Elsewhere than on the application's (GUI) thread it does nothing and returns false.
bool measureEventLoopWaits();

// The calling thread's totals so far; eventWait* count only for the thread measureEventLoopWaits() was called on.
GuiThreadTime guiThreadTime();

}  // namespace l1ra::ui
