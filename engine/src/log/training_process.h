#pragma once
// process.json: which process writes a run folder while it trains (docs/run-folder.md). Written when training
// starts or resumes, removed once summary.json is written; a folder that holds one and no summary is being
// trained, unless that process is gone (killed, or crashed). Lets another process follow the run (AttachedRun).
#include <cstdint>
#include <optional>
#include <string>

namespace l1ra {

struct TrainingProcess {
    int64_t pid = 0;
    std::string host;
    std::string startedAt;   // UTC, ISO 8601
};

enum class ProcessLiveness { Alive, Gone, OnAnotherHost };

void writeTrainingProcess(const std::string& runDir);   // this process; throws l1ra::Error naming the file
void removeTrainingProcess(const std::string& runDir);
// Absent file: nullopt. A file that is not what this writes: l1ra::Error naming it.
std::optional<TrainingProcess> readTrainingProcess(const std::string& runDir);
// On this host, whether the process exists; on another host it cannot be told.
ProcessLiveness liveness(const TrainingProcess& process);

}  // namespace l1ra
