#pragma once
// Runs a training session on a worker thread while this thread waits for Ctrl-C (SIGINT) or SIGTERM:
// a signal asks the session to stop, which checkpoints and ends the run cleanly.
#include "l1ra/training_session.h"

#include <functional>

namespace l1ra::cli {

RunSummary runInterruptible(TrainingSession& session, const std::function<void()>& onInterrupt);

}  // namespace l1ra::cli
