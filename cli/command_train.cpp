#include "arguments.h"
#include "commands.h"
#include "interruptible_run.h"
#include "l1ra/distributed.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/training_session.h"
#include "local_workers.h"
#include "training_progress.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
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
    return "runs/" + std::string(stamp) + "-" + methodName(c.method);
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

// `--nproc N` in the launching process (no WORLD_SIZE yet): N copies of this command become the run's processes.
// The run folder is named once here, so that every process writes, or reads, the same one.
std::optional<int> launchWorkers(const Arguments& a, const Args& args, const char* command, std::ostream& err,
                                 const std::string& outDir = "") {
    const int nproc = a.integer("--nproc", 1);
    if (nproc < 1) throw Error(std::string(command) + ": --nproc must be 1 or more");
    if (nproc == 1 || std::getenv("WORLD_SIZE")) return std::nullopt;
    if (!dataParallelAvailable()) throw Error("--nproc: this build has no data-parallel training (LibTorch's Gloo headers, Debian's libgloo-dev, were missing)");
    Args workerArgs{command};
    for (const std::string& arg : withoutOption(withoutOption(args, "--nproc"), "--out")) workerArgs.push_back(arg);
    if (!outDir.empty()) workerArgs.insert(workerArgs.end(), {"--out", outDir});
    return runLocalWorkers(workerArgs, nproc, err);
}

// A data-parallel process other than rank 0 says nothing unless it fails: rank 0 reports the run.
int finishQuietly(const RunSummary& s, const ProcessGroupSetup& processes, std::ostream& err) {
    if (s.state != RunState::Failed) return s.state == RunState::Stopped ? 130 : 0;
    err << "l1ra (rank " << processes.rank << " of " << processes.worldSize << "): failed: " << s.error << std::endl;
    return 1;
}

// Rank 0 (or the only process) reports the run; the others are quiet unless they fail.
std::unique_ptr<TrainingProgress> progressFor(const ProcessGroupSetup& processes, const Arguments& a, std::ostream& out, std::ostream& err) {
    if (processes.rank != 0) return nullptr;
    return std::make_unique<TrainingProgress>(out, err, progressStyle(a, out));
}

int trainSession(TrainingSession& session, TrainingProgress* progress, const ProcessGroupSetup& processes, std::ostream& err) {
    if (!progress) return finishQuietly(runInterruptible(session, {}), processes, err);
    const RunSummary summary = runInterruptible(session, [&] { progress->message("interrupted: stopping after this step and saving a checkpoint"); });
    return finish(summary, *progress);
}

}  // namespace

int runTrain(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("train", args, {"--config", "--out", "--set", "--nproc"}, {"--json"});
    RunConfig config;
    if (auto path = a.value("--config")) config = loadRunConfig(*path);
    for (const auto& assignment : a.all("--set")) applyRunConfigAssignment(config, assignment);
    const std::string outDir = a.value("--out").value_or(defaultRunFolder(config));
    if (auto status = launchWorkers(a, args, "train", err, outDir)) return *status;
    stopWithTheLauncher();
    const ProcessGroupSetup processes = processGroupFromEnvironment().value_or(ProcessGroupSetup{});
    auto progress = progressFor(processes, a, out, err);
    TrainingSession session(config, outDir, progress.get(), processes);
    return trainSession(session, progress.get(), processes, err);
}

int runResume(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("resume", args, {"--run", "--set", "--nproc"}, {"--json"});
    if (auto status = launchWorkers(a, args, "resume", err)) return *status;
    stopWithTheLauncher();
    const ProcessGroupSetup processes = processGroupFromEnvironment().value_or(ProcessGroupSetup{});
    auto progress = progressFor(processes, a, out, err);
    auto session = TrainingSession::resume(a.required("--run"), progress.get(), a.all("--set"), processes);
    return trainSession(*session, progress.get(), processes, err);
}

}  // namespace l1ra::cli
