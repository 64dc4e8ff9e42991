#pragma once
// What a training run reports, for any front end (the studio, the CLI's progress bar, --json output).
// Every event is a plain value; sinks are called on the training thread and must not block for long.
#include "l1ra/api.h"
#include "l1ra/projections.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

enum class RunState { Idle, Preparing, Running, Paused, Stopping, Finished, Stopped, Failed };
const char* runStateName(RunState s);   // "idle", "preparing", ...

struct StepEvent {
    int64_t step = 0;            // optimizer steps done (1-based after the first step)
    int64_t totalSteps = 0;
    double loss = 0;             // mean token loss over the step's micro-batches
    double lr = 0;               // A/B learning rate this step used
    double gradNorm = 0;         // before clipping
    double lambda = 0;           // L1 strength this step used
    int64_t tokens = 0;          // loss tokens this step
    double tokensPerSecond = 0;  // input tokens per second, smoothed over recent steps
    double stepSeconds = 0;
    double elapsedSeconds = 0;
    double etaSeconds = 0;
    int64_t memoryBytes = 0;     // peak device memory (CUDA) or resident set size (CPU)
    int totalRank = 0;           // sum of adapter ranks now
    int budget = 0;
    double threshold = 0;        // L1RA: the prune threshold with this step's λ (0 otherwise)
};

struct EvalEvent {
    int64_t step = 0;
    double loss = 0;
    double perplexity = 0;
    int64_t tokens = 0;
};

// The rank of every adapter, as a layers x projections matrix (projections in kProjectionNames order).
// Untargeted projections hold rank 0 and targeted[...] false.
struct RankSnapshot {
    int64_t step = 0;
    int numLayers = 0;
    int initialRank = 0;
    int budget = 0;
    double threshold = 0;              // L1RA: the prune threshold in force (0 otherwise)
    std::vector<int> ranks;            // [rankCell(layer, projection)]
    std::vector<bool> targeted;        // [rankCell(layer, projection)]
    std::vector<double> gateMass;      // sum of gates
    std::vector<double> gateMin;       // smallest gate (0 when rank 0)
    std::vector<double> gateMean;
    int rank(int layer, int projection) const { return ranks[rankCell(layer, projection)]; }
    int total() const;
};

struct RankMove {
    int layer = 0;
    int projection = 0;   // index into kProjectionNames
    int before = 0;
    int after = 0;
    int pruned = 0;       // ranks removed here
    int added = 0;        // ranks added here
    std::vector<int64_t> prunedBorn;   // the step each removed rank was created at (0 = at the start)
};

struct ReallocationEvent {
    int64_t step = 0;
    int budget = 0;
    int pruned = 0;
    int added = 0;
    bool budgetChanged = false;   // a budget change from the user was applied in this reallocation
    double lambda = 0;            // the L1 strength in force
    double threshold = 0;         // gates below this were pruned
    int capped = 0;               // ranks under the threshold kept by l1ra.max_move_share
    int pingPong = 0;             // pruned ranks that had been created within the last two intervals
    bool hasRankAges = false;     // moves carry prunedBorn (runs from before it was recorded do not)
    std::vector<RankMove> moves;  // only adapters whose rank changed
    RankSnapshot after;
};

// A live command took effect (λ from this step on, a budget at this reallocation, pause, ...).
// What a control event records. events.jsonl spells them as controlKindName() does.
enum class ControlKind {
    Lambda,          // a new λ took effect (value: λ)
    Budget,          // a reallocation applied a requested budget (value: the budget)
    BudgetRequest,   // a budget was asked for; it applies at the next reallocation (value: the budget)
    Pause,
    Resume,
    Stop,
    Checkpoint,      // a checkpoint asked for was written (value: its step)
    EarlyStop,       // eval.patience ended the run (value: the step)
};

// "lambda", "budget", "budget_request", "pause", "resume", "stop", "checkpoint", "early_stop".
const char* controlKindName(ControlKind kind);
// The kind a name spells; false (and `kind` unchanged) for any other name.
bool parseControlKind(const std::string& name, ControlKind* kind);

struct ControlEvent {
    int64_t step = 0;
    ControlKind kind = ControlKind::Lambda;
    double value = 0;
    std::string detail;
};

struct CheckpointEvent {
    int64_t step = 0;
    std::string path;
    bool best = false;     // the best checkpoint so far (runDir/best/), written after an evaluation that improved
    double valLoss = 0;    // best: its validation loss
};

// One prompt of samples.prompts answered with the adapter as it is after `step` (samples.jsonl).
struct SampleEvent {
    int64_t step = 0;
    int index = 0;          // the prompt's place in samples.prompts
    std::string prompt;     // as configured (the formatted text the model saw is not repeated)
    std::string text;       // the answer, decoded
    int tokens = 0;         // new tokens generated
    bool ended = false;     // generation stopped at an end-of-turn or end-of-sequence token (else at max_new_tokens)
    double seconds = 0;
};

// A step whose loss or gradient was not finite (NaN or infinite): it made no update (docs/training-failures.md).
struct DivergenceEvent {
    int64_t step = 0;      // the step that diverged (as StepEvent::step would have numbered it)
    std::string tensor;    // "loss", or the first trained tensor whose gradient is not finite
    std::string action;    // "stop": the run ends; "skip": the step is dropped and the learning rate lowered
    double lrScale = 1;    // the factor on the scheduled learning rate from the next step on
    int consecutive = 0;   // steps skipped in a row, this one included
};

struct LogEvent {
    enum class Level { Info, Warning, Error } level = Level::Info;
    std::string text;
};

class TrainingEventSink {
public:
    virtual ~TrainingEventSink() = default;
    virtual void onState(RunState, const std::string& /*detail*/) {}
    virtual void onStep(const StepEvent&) {}
    virtual void onEval(const EvalEvent&) {}
    virtual void onSnapshot(const RankSnapshot&) {}
    virtual void onReallocation(const ReallocationEvent&) {}
    virtual void onControl(const ControlEvent&) {}
    virtual void onCheckpoint(const CheckpointEvent&) {}
    virtual void onDivergence(const DivergenceEvent&) {}
    virtual void onSample(const SampleEvent&) {}
    virtual void onLog(const LogEvent&) {}
};

}  // namespace l1ra
L1RA_API_END
