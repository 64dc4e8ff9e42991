#pragma once
// A training run: built from a run config (or resumed from a run folder), run on a worker thread, steered
// from any thread. Commands are queued and applied at the next step boundary; run() never blocks on them.
#include "l1ra/api.h"
#include "l1ra/distributed.h"
#include "l1ra/run_config.h"
#include "l1ra/steerable_run.h"
#include "l1ra/training_events.h"

#include <memory>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct RunSummary {
    std::string runDir;
    RunState state = RunState::Idle;
    int64_t steps = 0;
    double finalLoss = 0;
    double bestValLoss = 0;          // 0 when never evaluated
    double finalValLoss = 0;
    double wallSeconds = 0;
    int64_t trainableParameters = 0;
    std::string error;               // when failed
    bool stoppedEarly = false;       // eval.patience ended the run before train.steps (state Finished)
    int64_t bestStep = 0;            // the step of the best checkpoint kept (0 = none)
    std::string bestCheckpoint;      // its folder (runDir/best/step-N), "" when none was kept
    int worldSize = 1;               // the processes of a data-parallel run
};

class TrainingSession : public SteerableRun {
public:
    // A new run writing into runDir (created; must be empty or absent). Checks the config, throws l1ra::Error.
    // With `processes` for a data-parallel run (docs/distributed.md), this is one of its processes: run() joins
    // the others first; only rank 0 writes the run folder and reports to `sink` what the whole run does.
    TrainingSession(const RunConfig& config, const std::string& runDir, TrainingEventSink* sink = nullptr,
                    const ProcessGroupSetup& processes = {});
    // Continues the run in runDir from its newest checkpoint. `settings` ("key=value") may change how the run uses
    // memory and compute, or what it does at a divergence (resumableSettingKeys()); they are written into the run's config.json.
    // Data-parallel, every process reads the checkpoint from runDir (a folder they share), whatever the world size
    // of the run before.
    static std::unique_ptr<TrainingSession> resume(const std::string& runDir, TrainingEventSink* sink = nullptr,
                                                   const std::vector<std::string>& settings = {},
                                                   const ProcessGroupSetup& processes = {});
    // model.base_dtype, model.double_quant, train.gradient_checkpointing, device, threads, the train.on_divergence
    // settings, early stopping (eval.patience, eval.min_delta) and the samples.* settings.
    static const std::vector<std::string>& resumableSettingKeys();
    ~TrainingSession() override;
    TrainingSession(const TrainingSession&) = delete;
    TrainingSession& operator=(const TrainingSession&) = delete;

    // Loads, trains, checkpoints and writes the summary; blocks the calling thread until finished or stopped.
    // Errors are reported as RunState::Failed (and onLog) and returned in the summary, not thrown.
    RunSummary run() override;

    // Thread-safe; applied at the next step boundary.
    void pause() override;
    void resume() override;
    void stop() override;                    // checkpoints, then returns from run()
    void checkpointNow() override;
    void setLambda(double lambda) override;  // from the next step
    void setBudget(int budget) override;     // at the next reallocation
    void leave() override { stop(); }        // the run cannot outlive its process: it stops with a checkpoint

    const RunConfig& config() const override;
    const std::string& runDir() const override;

    struct Impl;

private:
    explicit TrainingSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace l1ra
L1RA_API_END
