#pragma once
// One run configuration for the studio and the CLI alike: a JSON object whose fields, defaults, ranges and help
// texts are described once here (runConfigFields), so that parsing, `--set key=value`, the studio's form and
// docs/run-config.md all agree.
#include "l1ra/api.h"
#include "l1ra/method.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

// The seven LLaMA projections, in the order every rank matrix uses (q, k, v, o, gate, up, down).
const std::vector<std::string>& projectionNames();

struct RunConfig {
    std::string model;                 // HF model folder
    std::string modelBaseDtype = "bf16";   // model.base_dtype: bf16 (unquantised) | int8 | nf4
    bool modelDoubleQuant = true;      // model.double_quant: nf4's block absmax quantised too
    std::string name;                  // optional label shown in run lists

    std::string dataTrain;             // data.train
    std::string dataVal;               // data.val: a file, or empty to hold out data.val_fraction of train
    std::string dataFormat = "auto";   // data.format: auto | text | jsonl | alpaca | chat | sharegpt
    std::string dataTemplate = "auto"; // data.template: auto | llama3 | llama2 | mistral | chatml | plain
    double dataValFraction = 0.05;

    Method method = Method::L1RA;   // JSON: "l1ra" | "lora" | "full"

    int adapterRank = 8;               // r0
    double adapterAlpha = 16;
    double adapterDropout = 0.1;
    std::vector<std::string> adapterTargets = projectionNames();

    double l1raLambda = 5e-3;
    double l1raEtaC = 2e-2;
    int l1raUpdateInterval = 0;        // 0 = l1raIntervalShare of train.steps
    double l1raIntervalShare = 0.05;   // the reference code: 0.1
    double l1raThreshold = -1;         // < 0 = derived by l1raThresholdRule
    std::string l1raThresholdRule = "eta_c";   // eta_c: eta_c * lambda + 1e-6; lr: train.lr * lambda + 1e-6 (reference)
    bool l1raReassign = true;
    bool l1raExcludePruned = true;
    int l1raBudget = 0;                // 0 = rank x number of adapters
    double l1raWarmupShare = 0;        // no reallocation before this share of train.steps
    double l1raCooldownShare = 0;      // no reallocation in this final share of train.steps
    bool l1raCooldownShrink = false;   // keep the L1 shrink in the cool-down
    double l1raMaxMoveShare = 1;       // at most this share of the budget pruned per reallocation
    std::string l1raNewRankInit = "fresh";   // fresh | donor
    // Switches that reproduce the reference code's choices (docs/l1ra.md).
    bool l1raKeepStrongest = true;
    bool l1raDeadRankReceives = true;
    bool l1raOrderBySurvivors = true;
    bool l1raFallbackToAll = true;
    bool l1raResetOptimizer = false;

    int trainSteps = 200;              // optimizer steps
    int trainBatchSize = 4;
    int trainSeqLen = 256;
    int trainGradAccum = 1;
    double trainLr = 2e-4;
    double trainWeightDecay = 0.0;
    double trainBeta1 = 0.9;
    double trainBeta2 = 0.999;
    double trainEps = 1e-8;
    int trainWarmup = 0;               // steps of linear warmup before the cosine decay
    double trainMinLrRatio = 0.0;      // cosine decays to lr * this
    double trainMaxGradNorm = 1.0;     // 0 = no clipping
    std::string trainPrecision = "auto";   // auto | f32 | bf16
    bool trainGradientCheckpointing = false;   // recompute each layer's activations in the backward pass
    std::string trainOnDivergence = "stop";   // a non-finite loss or gradient: stop | skip (the step, lowering the lr)
    double trainDivergenceLrFactor = 0.5;     // skip: the learning rate is multiplied by this at each skipped step
    int trainDivergenceMaxSkips = 5;          // skip: the run stops after this many skipped steps in a row

    int evalEvery = 50;                // 0 = only at the end
    int evalBatches = 0;               // 0 = the whole validation set
    int evalPatience = 0;              // early stopping: evaluations without improvement before the run ends; 0 = never
    double evalMinDelta = 0;           // early stopping: a validation loss must fall by more than this to count

    std::vector<std::string> samplesPrompts;   // instructions answered with the adapter during training
    int samplesEvery = 0;              // steps between samples; 0 = only at the end (when there are prompts)
    int samplesMaxNewTokens = 48;
    double samplesTemperature = 0;     // 0 = greedy

    int checkpointEvery = 0;           // 0 = only on stop and at the end
    int checkpointKeep = 2;            // newest checkpoints kept
    bool checkpointKeepBest = false;   // also keep the checkpoint of the best validation loss in best/ (on with eval.patience)

    int logEvery = 1;                  // metrics.jsonl line every N steps
    bool loggingTensorboard = false;   // also a TensorBoard event file in the run folder
    uint64_t seed = 42;
    std::string device = "auto";       // auto | cpu | cuda | cuda:N
    int threads = 0;                   // 0 = all cores
};

// TextList: names from `choices`; Texts: free texts (e.g. prompts), edited one per line.
enum class FieldKind { Integer, Real, Boolean, Text, Choice, TextList, Texts, Path };

struct RunConfigField {
    std::string key;            // "train.lr"
    FieldKind kind;
    std::string defaultJson;    // the default as JSON text
    double min = 0, max = 0;    // for Integer / Real (inclusive); both 0 = unbounded
    bool logScale = false;      // a hint for sliders (e.g. lambda, lr)
    std::vector<std::string> choices;   // for Choice and TextList
    std::string help;           // one sentence, shown as tooltip and in docs
};

const std::vector<RunConfigField>& runConfigFields();

// Parses a run config JSON object (nested {"train": {"lr": ...}} or flat {"train.lr": ...}; the model folder's
// own keys flat beside it, {"model": DIR, "model.base_dtype": ...}, or nested as {"model": {"path": DIR, ...}});
// unknown keys and out-of-range values throw l1ra::Error naming the key and `source`.
RunConfig parseRunConfig(const std::string& jsonText, const std::string& source);
RunConfig loadRunConfig(const std::string& path);
// Fully resolved, nested JSON with every field; keys under a scalar key (model.base_dtype beside model) flat.
std::string runConfigToJson(const RunConfig& config, int indent = 2);

// `--set key=value`: value is parsed as the key's type ("true", "1e-3", "q_proj,v_proj" or JSON). Throws.
void setRunConfigValue(RunConfig& config, const std::string& key, const std::string& value);
void applyRunConfigAssignment(RunConfig& config, const std::string& assignment);   // "key=value"
// The value of one key as JSON text ("0.0002", "\"l1ra\"", "[\"q_proj\"]").
std::string runConfigValue(const RunConfig& config, const std::string& key);

// Checks relations between fields (e.g. a data file is given); throws l1ra::Error naming the key.
void validateRunConfig(const RunConfig& config);

// Derived values the engine uses.
int effectiveUpdateInterval(const RunConfig& config);   // update_interval or interval_share of steps, at least 1
// The prune threshold with L1 strength `lambda` in force: l1ra.threshold, or derived by l1ra.threshold_rule.
double effectiveThreshold(const RunConfig& config, double lambda);
double effectiveThreshold(const RunConfig& config);     // with the configured l1ra.lambda
// Whether an L1RA run reallocates after optimizer step `step` (1-based): every interval, never at 0 or at the
// end, not before the warm-up share nor in the cool-down share of train.steps.
bool reallocatesAfterStep(const RunConfig& config, int64_t step);
// Whether the L1 shrink applies in optimizer step `step` (1-based): always, except in the cool-down share of
// train.steps when l1ra.cooldown_shrink is off (no pruning is left for it to prepare).
bool shrinksAtStep(const RunConfig& config, int64_t step);
// The first reallocation after `step`, or 0 when none is left.
int64_t nextReallocationStep(const RunConfig& config, int64_t step);
// The most ranks one reallocation may prune under the threshold with `budget` (l1ra.max_move_share); -1 = no cap.
int maxPrunedPerReallocation(const RunConfig& config, int budget);
// Whether the run keeps its best checkpoint in best/: checkpoint.keep_best, or early stopping on.
bool keepsBestCheckpoint(const RunConfig& config);
// Whether the run writes samples after optimizer step `step`: every samples.every steps and at the end, given prompts.
bool samplesAfterStep(const RunConfig& config, int64_t step);

// The `l1ra train` command line that reproduces this config (for the studio's "show command").
std::string trainCommandLine(const RunConfig& config, const std::string& outDir);

}  // namespace l1ra
L1RA_API_END
