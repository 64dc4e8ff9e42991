// `l1ra sweep`: a grid over run-config keys times a few seeds, one run folder each, then a summary table.
// Runs go one after the other in this process, or --jobs N at a time as child processes (`--only`).
#include "arguments.h"
#include "commands.h"
#include "interruptible_run.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/sweep.h"
#include "l1ra/training_session.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

extern char** environ;

namespace l1ra::cli {

namespace {

namespace fs = std::filesystem;

// Only the end of a run and its failures are worth a line in a sweep.
struct QuietSink : TrainingEventSink {
    std::ostream& err;
    explicit QuietSink(std::ostream& e) : err(e) {}
    void onLog(const LogEvent& e) override {
        if (e.level == LogEvent::Level::Error) err << "  " << e.text << "\n";
    }
};

std::string describe(const SweepPlan& plan, const SweepRun& run) {
    std::string s;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) s += plan.axes[a].key + "=" + run.values[a] + " ";
    return s + "seed " + std::to_string(run.seed);
}

bool finished(const std::string& runDir) {
    if (!isRunFolder(runDir)) return false;
    const RunRecord r = loadRunRecord(runDir);
    return r.hasSummary && r.summary.state == RunState::Finished;
}

// One run of the sweep in this process: skipped when done, resumed when stopped. False when interrupted.
bool runOne(const std::string& dir, const SweepPlan& plan, std::size_t index, std::ostream& out, std::ostream& err) {
    const SweepRun& run = plan.runs[index];
    const std::string runDir = dir + "/" + run.folder;
    const std::string label = "[" + std::to_string(index + 1) + "/" + std::to_string(plan.runs.size()) + "] " + describe(plan, run);
    if (finished(runDir)) {
        out << label << ": done before\n";
        return true;
    }
    QuietSink sink(err);
    std::unique_ptr<TrainingSession> session;
    if (fs::exists(runDir + "/checkpoints")) session = TrainingSession::resume(runDir, &sink);
    else session = std::make_unique<TrainingSession>(sweepRunConfig(plan, run), runDir, &sink);
    const RunSummary s = runInterruptible(*session, [&] { err << "interrupted: stopping this run with a checkpoint\n"; });
    char line[160];
    std::snprintf(line, sizeof(line), ": %s, validation perplexity %.3f, %.1f s", runStateName(s.state), std::exp(s.finalValLoss), s.wallSeconds);
    out << label << (s.state == RunState::Failed ? ": failed: " + s.error : std::string(line)) << "\n" << std::flush;
    return s.state != RunState::Stopped;
}

std::string selfExecutable() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) throw Error("sweep --jobs: cannot find this program's path");
    return std::string(buf, std::size_t(n));
}

// --jobs N: `l1ra sweep --out DIR --only I` child processes, N at a time, each writing DIR/logs/FOLDER.txt.
int runParallel(const std::string& dir, const SweepPlan& plan, int jobs, std::ostream& out) {
    const std::string exe = selfExecutable();
    fs::create_directories(dir + "/logs");
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    int failures = 0;
    while (next < plan.runs.size() || !running.empty()) {
        while (next < plan.runs.size() && int(running.size()) < jobs) {
            const std::string log = dir + "/logs/" + plan.runs[next].folder + ".txt";
            const std::string index = std::to_string(next);
            std::vector<std::string> words = {exe, "sweep", "--out", dir, "--only", index};
            std::vector<char*> argv;
            for (auto& w : words) argv.push_back(w.data());
            argv.push_back(nullptr);
            posix_spawn_file_actions_t files;
            posix_spawn_file_actions_init(&files);
            posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
            pid_t pid = 0;
            const int rc = posix_spawn(&pid, exe.c_str(), &files, nullptr, argv.data(), environ);
            posix_spawn_file_actions_destroy(&files);
            if (rc != 0) throw Error("sweep --jobs: cannot start " + exe);
            running[pid] = next++;
        }
        int status = 0;
        const pid_t done = ::wait(&status);
        if (done < 0) break;
        const std::size_t i = running[done];
        running.erase(done);
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok) ++failures;
        out << "[" << i + 1 << "/" << plan.runs.size() << "] " << describe(plan, plan.runs[i]) << (ok ? ": ended" : ": failed")
            << " (log: " << dir << "/logs/" << plan.runs[i].folder << ".txt)\n" << std::flush;
    }
    return failures;
}

std::string defaultSweepFolder() {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", std::localtime(&now));
    return "sweeps/" + std::string(stamp);
}

// The manifest of a new sweep, or the check that DIR holds this same sweep (then it continues where it stopped).
void claimFolder(const std::string& dir, const SweepPlan& plan) {
    fs::create_directories(dir);
    const std::string probe = dir + "/.sweep.json.new";
    if (!isSweepFolder(dir)) {
        if (!fs::is_empty(dir)) throw Error(dir + " is not empty and holds no sweep: choose a new folder");
        writeSweepManifest(dir, plan);
        return;
    }
    fs::create_directories(probe);
    writeSweepManifest(probe, plan);
    std::ifstream a(dir + "/sweep.json"), b(probe + "/sweep.json");
    const std::string existing((std::istreambuf_iterator<char>(a)), {}), wanted((std::istreambuf_iterator<char>(b)), {});
    fs::remove_all(probe);
    if (existing != wanted) throw Error(dir + " holds another sweep (its sweep.json differs): choose a new folder");
}

}  // namespace

int runSweep(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("sweep", args, {"--config", "--grid", "--seeds", "--set", "--out", "--jobs", "--only"}, {"--plan"});
    if (auto only = a.value("--only")) {   // one run of an existing sweep (what --jobs starts)
        const std::string dir = a.required("--out");
        const SweepPlan plan = readSweepManifest(dir);
        const int index = a.integer("--only", -1);
        if (index < 0 || index >= int(plan.runs.size())) throw Error("sweep --only " + *only + ": the sweep has " + std::to_string(plan.runs.size()) + " runs");
        return runOne(dir, plan, std::size_t(index), out, err) ? 0 : 130;
    }
    RunConfig base;
    if (auto path = a.value("--config")) base = loadRunConfig(*path);
    for (const auto& assignment : a.all("--set")) applyRunConfigAssignment(base, assignment);
    validateRunConfig(base);
    std::vector<SweepAxis> axes;
    for (const auto& grid : a.all("--grid")) axes.push_back(parseSweepAxis(grid, base));
    const SweepPlan plan = planSweep(base, axes, parseSweepSeeds(a.value("--seeds").value_or("1"), base.seed));
    const std::string dir = fs::absolute(a.value("--out").value_or(defaultSweepFolder())).lexically_normal().string();
    const int jobs = a.integer("--jobs", 1);
    if (jobs < 1 || jobs > 64) throw Error("sweep --jobs must be from 1 to 64");
    claimFolder(dir, plan);
    if (a.flag("--plan")) {   // the manifest and the list of runs, nothing trained
        for (std::size_t i = 0; i < plan.runs.size(); ++i) out << i << "\t" << plan.runs[i].folder << "\t" << describe(plan, plan.runs[i]) << "\n";
        return 0;
    }
    out << "sweep: " << plan.runs.size() << " runs into " << dir << (jobs > 1 ? ", " + std::to_string(jobs) + " at a time" : "") << "\n" << std::flush;
    bool complete = true;
    if (jobs > 1) {
        complete = runParallel(dir, plan, jobs, out) == 0;
    } else {
        for (std::size_t i = 0; i < plan.runs.size() && complete; ++i) complete = runOne(dir, plan, i, out, err);
    }
    const std::string table = sweepMarkdown(loadSweep(dir));
    std::ofstream(dir + "/sweep.md") << table;
    out << "\n" << table;
    return complete ? 0 : 1;
}

}  // namespace l1ra::cli
