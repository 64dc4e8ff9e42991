#pragma once
// A sweep: one run config, a grid over some of its keys and a few seeds; one run folder per grid point and
// seed, and a manifest (sweep.json) that the CLI's summary and the studio's Compare page read back.
//
// Sweep folder layout (docs/run-folder.md):
//   sweep.json           the base config, the axes, the seeds and every run's folder name
//   NAME-seedN/          one run folder each (NAME from the swept values, e.g. "lambda=0.03")
//   sweep.md             the summary table, written when the sweep ends
#include "l1ra/api.h"
#include "l1ra/churn.h"
#include "l1ra/run_config.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct SweepAxis {
    std::string key;                  // a run-config key, e.g. "l1ra.lambda"
    std::vector<std::string> values;  // as written on the command line, e.g. "0.03"
};

struct SweepRun {
    std::vector<std::string> values;  // one per axis
    uint64_t seed = 0;
    std::string folder;               // relative to the sweep folder
};

struct SweepPlan {
    RunConfig base;
    std::vector<SweepAxis> axes;
    std::vector<uint64_t> seeds;
    std::vector<SweepRun> runs;       // every grid point (first axis slowest) times every seed
};

// "key=v1,v2,v3": each value is checked by applying it to `base` (errors name the key and the value).
SweepAxis parseSweepAxis(const std::string& grid, const RunConfig& base);
// "3" = three seeds from the config's seed on; "1,5,9" = those seeds.
std::vector<uint64_t> parseSweepSeeds(const std::string& text, uint64_t firstSeed);
SweepPlan planSweep(const RunConfig& base, const std::vector<SweepAxis>& axes, const std::vector<uint64_t>& seeds);
// The base config with a run's values and seed applied.
RunConfig sweepRunConfig(const SweepPlan& plan, const SweepRun& run);

void writeSweepManifest(const std::string& dir, const SweepPlan& plan);
SweepPlan readSweepManifest(const std::string& dir);   // throws l1ra::Error naming sweep.json
bool isSweepFolder(const std::string& dir);

struct SweepOutcome {
    SweepRun run;
    bool finished = false;            // the run ended with a validation loss at its last step
    double valLoss = 0;
    double valPerplexity = 0;
    double wallSeconds = 0;
    bool gated = false;               // an L1RA run: churn below is meaningful
    ChurnSummary churn;
};

struct SweepPointSummary {
    std::vector<std::string> values;  // one per axis
    std::vector<double> perplexities; // finished seeds, in seed order
    double mean = 0, sd = 0;          // of the perplexities (sd 0 with one seed)
    double wallMean = 0;
    bool gated = false;
    double movedPerReallocation = 0;  // mean over seeds
    double pingPongShare = 0;         // pooled over seeds
    bool pingPongKnown = false;       // ranks were handed out and every finished seed recorded their ages
};

struct SweepRecord {
    std::string dir;
    SweepPlan plan;
    std::vector<SweepOutcome> outcomes;   // one per plan run, in plan order
    std::vector<SweepPointSummary> points;
};

// Reads the manifest and every run folder that exists (unfinished runs count as not finished).
SweepRecord loadSweep(const std::string& dir);
// A markdown table: one row per grid point (mean ± sd of validation perplexity, seeds, wall time, churn).
std::string sweepMarkdown(const SweepRecord& record);

}  // namespace l1ra
L1RA_API_END
