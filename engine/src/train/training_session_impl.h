#pragma once
// TrainingSession's state, shared by its two source files: training_session.cpp (the public API, the step loop,
// live controls, reporting, checkpoints) and training_session_start.cpp (loading the model and data, starting
// or resuming). Internal to train/.
#include "l1ra/run_record.h"
#include "l1ra/text_tokenizer.h"
#include "l1ra/training_session.h"
#include "log/run_files.h"
#include "text/prompt_format.h"
#include "text/token_dataset.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/training_samples.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace l1ra {

class ProcessGroup;

struct TrainingSession::Impl {
    RunConfig config;
    std::string runDir;
    TrainingEventSink* sink = nullptr;
    bool resuming = false;
    ProcessGroupSetup processes;         // one process unless data-parallel
    std::shared_ptr<ProcessGroup> group;  // joined in prepare(); null for one process
    // Rank 0 writes the run folder and checkpoints, samples and reports; the other processes only train.
    bool writer() const { return processes.rank == 0; }

    // Commands from other threads, read at step boundaries.
    std::mutex mutex;
    std::condition_variable wake;
    bool paused = false;
    bool stopRequested = false;
    bool checkpointRequested = false;
    std::optional<double> pendingLambda;
    std::optional<int> pendingBudget;

    // Worker-thread state.
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<TrainingSamples> samples;   // null without samples.prompts
    std::optional<RunFiles> files;
    CheckpointState state;
    std::string device;
    int64_t trainStepsThisSession = 0;
    double smoothedTokensPerSecond = 0;

    RunSummary run();
    bool prepare();   // false when a stop arrived before training started
    // prepare()'s parts (training_session_start.cpp), in the order it runs them.
    struct Loaded {
        std::unique_ptr<LlamaModel> model;
        std::shared_ptr<const Tokenizer> tokenizer;
        std::vector<int64_t> stopIds;   // for samples: as LanguageModel stops
        ResolvedPromptFormat prompts;
        TokenDataset train, val;
    };
    void loadModel(Loaded& loaded, torch::ScalarType precision);
    void loadData(Loaded& loaded);
    TrainerSettings trainerSettings(torch::ScalarType precision, const Tokenizer& tokenizer) const;
    void startSamples(Loaded& loaded);
    void resumeFromCheckpoint();
    void startNewRun();
    bool stopAsked() {
        std::lock_guard<std::mutex> lock(mutex);
        return stopRequested;
    }
    void loop();
    void emitState(RunState s, const std::string& detail = "") {
        if (sink) sink->onState(s, detail);
    }
    void log(const std::string& text, LogEvent::Level level = LogEvent::Level::Info) {
        if (sink) sink->onLog({level, text});
    }
    void control(ControlKind kind, double value, const std::string& detail = "") {
        ControlEvent e{state.step, kind, value, detail};
        files->appendEvent(controlEventToJson(e));
        if (sink) sink->onControl(e);
    }
    // The prune threshold the next reallocation uses: it follows the λ in force.
    double threshold() const { return trainer->gated() ? effectiveThreshold(config, state.lambda) : 0.0; }
    void snapshot() {
        if (!trainer->hasAdapters()) return;
        RankSnapshot s = trainer->snapshot(state.step, state.budget);
        s.threshold = threshold();
        files->appendRanks(rankSnapshotToJson(s));
        if (sink) sink->onSnapshot(s);
    }
    void checkpoint() {
        if (!writer()) return;
        CheckpointEvent e{state.step, saveCheckpoint(runDir, *trainer, state, config.checkpoint.keep)};
        if (sink) sink->onCheckpoint(e);
    }
    bool checkpointOrWarn();
    void finalCheckpoint();
    std::string lastGoodCheckpoint() const;
    void evaluate() {
        EvalEvent e = trainer->evaluate(state.step);
        if (e.tokens == 0) return;
        state.lastValLoss = e.loss;
        if (state.bestValLoss == 0 || e.loss < state.bestValLoss) state.bestValLoss = e.loss;
        files->appendMetrics(evalEventToJson(e));
        if (sink) sink->onEval(e);
        if (keepsBestCheckpoint(config)) trackBest(e);
    }
    void trackBest(const EvalEvent& e);
    void writeSamples();
    bool handleControls();   // false when the run should stop
    bool agreeOnControls(bool goOn);
    void takeCommandFiles();
    void joinProcesses();
    StepResult trainStep(double lambda);
    void reportStep(const StepResult& r, double lambda, double seconds, double sessionSeconds);
    void divergedStep(const StepResult& r);
    [[noreturn]] void stopOutOfMemory(const std::string& what);
    void takeBudgetRequest(int budget);
    void reallocate();
    std::string budgetTiming() const;
};

}  // namespace l1ra
