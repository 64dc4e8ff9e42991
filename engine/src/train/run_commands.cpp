#include "l1ra/run_commands.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "train/run_command_inbox.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;

namespace {

const char* commandName(RunCommand c) {
    switch (c) {
    case RunCommand::Lambda: return "lambda";
    case RunCommand::Budget: return "budget";
    case RunCommand::Stop: return "stop";
    case RunCommand::Checkpoint: return "checkpoint";
    case RunCommand::Pause: return "pause";
    case RunCommand::Resume: return "resume";
    }
    return "";
}

}  // namespace

void sendRunCommand(const std::string& runDir, RunCommand command, double value) {
    if (!fileExists(runDir + "/config.json")) throw Error(runDir + ": not a run folder (no config.json)");
    if (command == RunCommand::Lambda && !(value >= 0 && value <= 100)) throw Error("lambda must be in [0, 100]");
    if (command == RunCommand::Budget && !(value >= 1 && value == std::floor(value))) throw Error("the rank budget must be a whole number, 1 or more");
    std::error_code ec;
    fs::create_directories(runDir + "/commands", ec);
    if (ec) throw Error("cannot create " + runDir + "/commands: " + ec.message());
    // Names sort in the order sent: nanoseconds, then the sender and a counter for commands in the same one.
    static std::atomic<int> counter{0};
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    char name[96];
    std::snprintf(name, sizeof(name), "%020lld-%d-%04d.json", static_cast<long long>(now), int(::getpid()), counter++ % 10000);
    nlohmann::json j{{"command", commandName(command)}};
    if (command == RunCommand::Lambda || command == RunCommand::Budget) j["value"] = value;
    writeTextFileAtomically(runDir + "/commands/" + name, j.dump() + "\n");
}

std::vector<InboxCommand> takeRunCommands(const std::string& runDir) {
    std::vector<InboxCommand> out;
    const std::string folder = runDir + "/commands";
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return out;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".json" && entry.path().filename().string()[0] != '.') names.push_back(entry.path().string());
    std::sort(names.begin(), names.end());
    for (const std::string& path : names) {
        InboxCommand c;
        c.file = path;
        try {
            const auto j = nlohmann::json::parse(readTextFile(path));
            const std::string name = j.at("command").get<std::string>();
            if (name == "lambda") c.command = RunCommand::Lambda;
            else if (name == "budget") c.command = RunCommand::Budget;
            else if (name == "stop") c.command = RunCommand::Stop;
            else if (name == "checkpoint") c.command = RunCommand::Checkpoint;
            else if (name == "pause") c.command = RunCommand::Pause;
            else if (name == "resume") c.command = RunCommand::Resume;
            else throw Error("unknown command '" + name + "'");
            if (c.command == RunCommand::Lambda || c.command == RunCommand::Budget) c.value = j.at("value").get<double>();
        } catch (const std::exception& e) {
            c.error = path + ": " + e.what();
        }
        fs::remove(path, ec);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace l1ra
