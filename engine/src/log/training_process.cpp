#include "log/training_process.h"

#include "io/file_util.h"
#include "io/host_name.h"
#include "l1ra/error.h"

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace l1ra {

namespace {

std::string processPath(const std::string& runDir) { return runDir + "/process.json"; }

std::string utcNow() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

}  // namespace

void writeTrainingProcess(const std::string& runDir) {
    const nlohmann::json j{{"pid", int64_t(::getpid())}, {"host", hostName()}, {"started_at", utcNow()}};
    writeTextFileAtomically(processPath(runDir), j.dump(2) + "\n");
}

void removeTrainingProcess(const std::string& runDir) {
    std::error_code ec;
    std::filesystem::remove(processPath(runDir), ec);
}

std::optional<TrainingProcess> readTrainingProcess(const std::string& runDir) {
    const std::string path = processPath(runDir);
    if (!fileExists(path)) return std::nullopt;
    const auto j = nlohmann::json::parse(readTextFile(path), nullptr, false);
    TrainingProcess p;
    if (j.is_object() && j.contains("pid") && j["pid"].is_number_integer() && j.contains("host") && j["host"].is_string()) {
        p.pid = j["pid"].get<int64_t>();
        p.host = j["host"].get<std::string>();
        p.startedAt = j.value("started_at", "");
    }
    if (p.pid <= 0 || p.host.empty()) throw Error(path + ": not a training process record (needs a positive \"pid\" and a \"host\")");
    return p;
}

ProcessLiveness liveness(const TrainingProcess& process) {
    if (process.host != hostName()) return ProcessLiveness::OnAnotherHost;
    // Signal 0 checks that the process exists; EPERM means it exists but belongs to someone else.
    if (::kill(pid_t(process.pid), 0) != 0 && errno != EPERM) return ProcessLiveness::Gone;
    // A killed process its parent has not reaped yet still exists, as a zombie (state Z in /proc/PID/stat).
    std::ifstream stat("/proc/" + std::to_string(process.pid) + "/stat");
    std::string line;
    if (std::getline(stat, line)) {
        const std::size_t close = line.rfind(')');
        if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z') return ProcessLiveness::Gone;
    }
    return ProcessLiveness::Alive;
}

}  // namespace l1ra
