#pragma once
// One line of a run folder's files read into a RunRecord: shared by loadRunRecord (whole files) and AttachedRun
// (lines as they are appended). Each throws l1ra::Error or json::exception on a line it cannot read.
#include "l1ra/run_record.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace l1ra {

void addMetricsLine(const nlohmann::json& line, RunRecord& record);   // a step, an evaluation or a divergence
void addEventsLine(const nlohmann::json& line, RunRecord& record);    // a reallocation or a control
RankSnapshot snapshotFrom(const nlohmann::json& line);                // ranks.jsonl
SampleEvent sampleFrom(const nlohmann::json& line);                   // samples.jsonl
RunSummary summaryFrom(const nlohmann::json& summary, const std::string& runDir, const std::string& path);
std::vector<std::string> checkpointFolders(const std::string& runDir);   // checkpoints/step-N with a state.json, oldest first
RunState parseRunState(const std::string& name, const std::string& path);   // throws naming path

}  // namespace l1ra
