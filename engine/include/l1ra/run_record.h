#pragma once
// A finished or running run folder read back: its config, metrics, evaluations, rank history and summary.
// Used by the studio's run history, timeline and comparison, and by exports.
//
// Run folder layout (docs/run-folder.md):
//   config.json       the fully resolved run config
//   metrics.jsonl     one StepEvent per line ({"step", "loss", "lr", ...}); eval lines have "val_loss";
//                     a step with a non-finite loss or gradient is {"event": "divergence", ...}
//   ranks.jsonl       one RankSnapshot per line ({"step", "budget", "ranks": [[q,k,v,o,gate,up,down], ...], ...})
//   events.jsonl      reallocations and live controls
//   samples.jsonl     one SampleEvent per line: samples.prompts answered during training
//   checkpoints/      step-NNNNNNNN/ folders (adapter, optimizer, scheduler, data position)
//   best/             step-NNNNNNNN/: the checkpoint of the best validation loss (checkpoint.keep_best, eval.patience)
//   summary.json      written when the run ends
#include "l1ra/api.h"
#include "l1ra/run_config.h"
#include "l1ra/training_events.h"
#include "l1ra/training_session.h"

#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct RunRecord {
    std::string dir;
    RunConfig config;
    std::vector<StepEvent> steps;
    std::vector<EvalEvent> evals;
    std::vector<RankSnapshot> snapshots;
    std::vector<ReallocationEvent> reallocations;
    std::vector<ControlEvent> controls;
    std::vector<DivergenceEvent> divergences;
    std::vector<SampleEvent> samples;
    bool hasSummary = false;
    RunSummary summary;
    std::vector<std::string> checkpoints;   // step folders, oldest first
    std::string bestCheckpoint;             // best/step-N, "" when the run kept none
};

// Throws l1ra::Error naming the file for a missing config or a corrupt line.
RunRecord loadRunRecord(const std::string& runDir);
bool isRunFolder(const std::string& dir);   // has config.json and metrics.jsonl

// JSON lines as written to metrics.jsonl / ranks.jsonl / events.jsonl (one object, no newline).
std::string stepEventToJson(const StepEvent& e);
std::string evalEventToJson(const EvalEvent& e);
std::string rankSnapshotToJson(const RankSnapshot& s);
std::string reallocationEventToJson(const ReallocationEvent& e);
std::string controlEventToJson(const ControlEvent& e);
std::string divergenceEventToJson(const DivergenceEvent& e);   // a metrics.jsonl line
std::string sampleEventToJson(const SampleEvent& e);           // a samples.jsonl line
// An events.jsonl line: a checkpoint during training could not be written (the run went on).
std::string checkpointFailureToJson(int64_t step, const std::string& error);
std::string runSummaryToJson(const RunSummary& s);

}  // namespace l1ra
L1RA_API_END
