#include "log/run_files.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "log/tensorboard_log.h"
#include "log/training_process.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <sstream>

namespace l1ra {

namespace fs = std::filesystem;

RunFiles::RunFiles(const std::string& dir, bool tensorboard) : dir_(dir) {
    auto open = [&](std::ofstream& out, const char* name) {
        out.open(dir + "/" + name, std::ios::app);
        if (!out) throw Error("cannot write " + dir + "/" + name);
    };
    open(metrics_, "metrics.jsonl");
    open(ranks_, "ranks.jsonl");
    open(events_, "events.jsonl");
    if (tensorboard) tensorboard_ = std::make_unique<TensorBoardLog>(dir);
    writeTrainingProcess(dir);   // another process may follow the run while this one trains it
}

RunFiles::RunFiles(RunFiles&&) noexcept = default;
RunFiles::~RunFiles() = default;

RunFiles RunFiles::none() {
    RunFiles files;
    files.writes_ = false;
    return files;
}

void RunFiles::appendMetrics(const std::string& line) {
    if (!writes_) return;
    append(metrics_, "metrics.jsonl", line);
    if (tensorboard_) tensorboard_->metricsLine(line);
}

void RunFiles::appendRanks(const std::string& line) {
    if (!writes_) return;
    append(ranks_, "ranks.jsonl", line);
    if (tensorboard_) tensorboard_->ranksLine(line);
}

void RunFiles::appendSample(const std::string& line) {
    if (!writes_) return;
    if (!samples_.is_open()) {
        samples_.open(dir_ + "/samples.jsonl", std::ios::app);
        if (!samples_) throw Error("cannot write " + dir_ + "/samples.jsonl");
    }
    append(samples_, "samples.jsonl", line);
}

RunFiles RunFiles::create(const std::string& dir, const RunConfig& config) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw Error("run folder " + dir + " exists and is not a folder");
        if (!fs::is_empty(dir, ec)) throw Error("run folder " + dir + " is not empty (choose a new folder, or resume the run there)");
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create run folder " + dir + ": " + ec.message());
    writeTextFileAtomically(dir + "/config.json", runConfigToJson(config) + "\n");
    return RunFiles(dir, config.logging.tensorboard);
}

RunFiles RunFiles::reopen(const std::string& dir, int64_t step) {
    for (const char* name : {"metrics.jsonl", "ranks.jsonl", "events.jsonl", "samples.jsonl"}) {
        const std::string path = dir + "/" + name;
        if (!fileExists(path)) continue;
        std::istringstream in(readTextFile(path));
        std::string kept, line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) continue;   // a line cut short by a crash
            const auto at = j.find("step");
            if (at != j.end() && !at->is_number_integer())
                throw Error(path + ": line " + std::to_string(number) + ": 'step' is not a whole number");
            if (at == j.end() || at->get<int64_t>() <= step) kept += line + "\n";
        }
        writeTextFileAtomically(path, kept);
    }
    std::error_code ec;
    fs::remove(dir + "/summary.json", ec);
    // A resumed run writes a new event file: TensorBoard reads a folder's event files as one run.
    const std::string configPath = dir + "/config.json";
    const bool tensorboard = fileExists(configPath) && parseRunConfig(readTextFile(configPath), configPath).logging.tensorboard;
    return RunFiles(dir, tensorboard);
}

void RunFiles::append(std::ofstream& out, const char* name, const std::string& line) {
    if (!writes_) return;
    errno = 0;
    out << line << '\n';
    out.flush();
    if (!out) {
        const int error = errno;
        out.clear();   // the next line may fit again once space is freed
        throw Error(writeFailureMessage(dir_ + "/" + name, error, line.size() + 1));
    }
}

void RunFiles::writeSummary(const std::string& json) {
    if (!writes_) return;
    writeTextFileAtomically(dir_ + "/summary.json", json + "\n");
    removeTrainingProcess(dir_);   // after the summary: a follower never sees neither
}

}  // namespace l1ra
