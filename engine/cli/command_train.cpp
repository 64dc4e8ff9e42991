#include "arguments.h"
#include "commands.h"
#include "interruptible_run.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/training_session.h"
#include "training_progress.h"

#include <unistd.h>

#include <ctime>
#include <iostream>

namespace l1ra::cli {

namespace {

TrainingProgress::Style progressStyle(const Arguments& a, std::ostream& out) {
    if (a.flag("--json")) return TrainingProgress::Style::Json;
    return &out == &std::cout && ::isatty(STDOUT_FILENO) ? TrainingProgress::Style::Bar : TrainingProgress::Style::Lines;
}

std::string defaultRunFolder(const RunConfig& c) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", std::localtime(&now));
    return "runs/" + std::string(stamp) + "-" + c.method;
}

int finish(const RunSummary& s, TrainingProgress& progress) {
    std::string line = std::string(runStateName(s.state)) + ": " + std::to_string(s.steps) + " steps, loss " +
                       std::to_string(s.finalLoss);
    if (s.finalValLoss > 0) line += ", validation loss " + std::to_string(s.finalValLoss);
    if (s.stoppedEarly) line += " (stopped early)";
    if (!s.bestCheckpoint.empty())
        line += ", best validation loss at step " + std::to_string(s.bestStep) + " (" + s.bestCheckpoint + "; export it with --checkpoint best)";
    line += ", run folder " + s.runDir;
    if (s.state == RunState::Failed) {
        progress.message("failed: " + s.error);
        return 1;
    }
    progress.message(line);
    return s.state == RunState::Stopped ? 130 : 0;
}

}  // namespace

int runTrain(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("train", args, {"--config", "--out", "--set"}, {"--json"});
    RunConfig config;
    if (auto path = a.value("--config")) config = loadRunConfig(*path);
    for (const auto& assignment : a.all("--set")) applyRunConfigAssignment(config, assignment);
    const std::string outDir = a.value("--out").value_or(defaultRunFolder(config));
    TrainingProgress progress(out, err, progressStyle(a, out));
    TrainingSession session(config, outDir, &progress);
    const RunSummary summary = runInterruptible(session, [&] { progress.message("interrupted: stopping after this step and saving a checkpoint"); });
    return finish(summary, progress);
}

int runResume(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("resume", args, {"--run", "--set"}, {"--json"});
    TrainingProgress progress(out, err, progressStyle(a, out));
    auto session = TrainingSession::resume(a.required("--run"), &progress, a.all("--set"));
    const RunSummary summary = runInterruptible(*session, [&] { progress.message("interrupted: stopping after this step and saving a checkpoint"); });
    return finish(summary, progress);
}

}  // namespace l1ra::cli
