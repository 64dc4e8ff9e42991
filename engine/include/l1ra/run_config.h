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

// One section of the run config per JSON object ("train": {...}), with the same names in camelCase; the field
// table (runConfigFields) gives every key's default, range and help, and the defaults here match it.
struct ModelSettings {
    std::string path;                  // "model": the HF model folder
    std::string baseDtype = "bf16";    // model.base_dtype: bf16 (unquantised) | int8 | nf4
    bool doubleQuant = true;           // model.double_quant: nf4's block absmax quantised too
};

struct DataSettings {
    std::string train;                 // data.train
    std::string val;                   // data.val: a file, or empty to hold out valFraction of train
    std::string format = "auto";       // auto | text | jsonl | alpaca | chat | sharegpt
    std::string chatTemplate = "auto"; // data.template: auto | llama3 | llama2 | mistral | chatml | plain
    double valFraction = 0.05;
};

struct AdapterSettings {
    int rank = 8;                      // r0
    double alpha = 16;
    double dropout = 0.1;
    std::vector<std::string> targets = projectionNames();
};

struct L1raSettings {
    double lambda = 5e-3;
    double etaC = 2e-2;
    int updateInterval = 0;            // 0 = intervalShare of train.steps
    double intervalShare = 0.05;       // the reference code: 0.1
    double threshold = -1;             // < 0 = derived by thresholdRule
    std::string thresholdRule = "eta_c";   // eta_c: eta_c * lambda + 1e-6; lr: train.lr * lambda + 1e-6 (reference)
    bool reassign = true;
    bool excludePruned = true;
    int budget = 0;                    // 0 = rank x number of adapters
    double warmupShare = 0;            // no reallocation before this share of train.steps
    double cooldownShare = 0;          // no reallocation in this final share of train.steps
    bool cooldownShrink = false;       // keep the L1 shrink in the cool-down
    double maxMoveShare = 1;           // at most this share of the budget pruned per reallocation
    std::string newRankInit = "fresh"; // fresh | donor
    // Switches that reproduce the reference code's choices (docs/l1ra.md).
    bool keepStrongest = true;
    bool deadRankReceives = true;
    bool orderBySurvivors = true;
    bool fallbackToAll = true;
    bool resetOptimizer = false;
};

struct TrainSettings {
    int steps = 200;                   // optimizer steps
    int batchSize = 4;
    int seqLen = 256;
    int gradAccum = 1;
    double lr = 2e-4;
    double weightDecay = 0.0;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    int warmup = 0;                    // steps of linear warmup before the cosine decay
    double minLrRatio = 0.0;           // cosine decays to lr * this
    double maxGradNorm = 1.0;          // 0 = no clipping
    std::string precision = "auto";    // auto | f32 | bf16
    bool gradientCheckpointing = false;   // recompute each layer's activations in the backward pass
    std::string onDivergence = "stop"; // a non-finite loss or gradient: stop | skip (the step, lowering the lr)
    double divergenceLrFactor = 0.5;   // skip: the learning rate is multiplied by this at each skipped step
    int divergenceMaxSkips = 5;        // skip: the run stops after this many skipped steps in a row
};

struct EvalSettings {
    int every = 50;                    // 0 = only at the end
    int batches = 0;                   // 0 = the whole validation set
    int patience = 0;                  // early stopping: evaluations without improvement before the run ends; 0 = never
    double minDelta = 0;               // early stopping: a validation loss must fall by more than this to count
};

struct SamplesSettings {
    std::vector<std::string> prompts;  // instructions answered with the adapter during training
    int every = 0;                     // steps between samples; 0 = only at the end (when there are prompts)
    int maxNewTokens = 48;
    double temperature = 0;            // 0 = greedy
};

struct CheckpointSettings {
    int every = 0;                     // 0 = only on stop and at the end
    int keep = 2;                      // newest checkpoints kept
    bool keepBest = false;             // also keep the checkpoint of the best validation loss in best/ (on with eval.patience)
};

struct LogSettings {
    int every = 1;                     // log.every: a metrics.jsonl line every N steps
};

struct LoggingSettings {
    bool tensorboard = false;          // logging.tensorboard: also a TensorBoard event file in the run folder
};

struct RunConfig {
    ModelSettings model;
    std::string name;                  // optional label shown in run lists
    DataSettings data;
    Method method = Method::L1RA;      // JSON: "l1ra" | "lora" | "full"
    AdapterSettings adapter;
    L1raSettings l1ra;
    TrainSettings train;
    EvalSettings eval;
    SamplesSettings samples;
    CheckpointSettings checkpoint;
    LogSettings log;
    LoggingSettings logging;
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
