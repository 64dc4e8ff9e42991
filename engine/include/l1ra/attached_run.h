#pragma once
// A run trained by another process (a headless `l1ra train`, or rank 0 of a data-parallel run) followed through
// its run folder: every line the run's files gain is reported to the sink as the events a run trained here
// reports, and the controls reach the run as command files (l1ra/run_commands.h) that it applies at its next
// step boundary. The folder so far is replayed first, so a front end shows the whole run from the start.
#include "l1ra/api.h"
#include "l1ra/run_config.h"
#include "l1ra/steerable_run.h"
#include "l1ra/training_events.h"

#include <memory>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

class AttachedRun : public SteerableRun {
public:
    // Throws l1ra::Error naming the folder when it is not a run folder (a run writes it once its model and data
    // are loaded), when the run has ended (it has a summary.json), or when no process trains it (no process.json,
    // or its process is gone on this machine).
    explicit AttachedRun(const std::string& runDir, TrainingEventSink* sink = nullptr);
    ~AttachedRun() override;
    AttachedRun(const AttachedRun&) = delete;
    AttachedRun& operator=(const AttachedRun&) = delete;

    // Follows the run until it ends (its summary, returned as written), its process disappears without one
    // (RunState::Failed, saying how to resume), or leave(): the summary's state is then the one the run was in
    // (Running, Paused or Stopping; the run goes on). A folder that stops making sense (cut back by a resume,
    // deleted) ends the following the same way, with the reason in the summary's error.
    RunSummary run() override;

    void pause() override;
    void resume() override;
    void stop() override;
    void checkpointNow() override;
    void setLambda(double lambda) override;
    void setBudget(int budget) override;
    void leave() override;   // stop following; the run goes on

    const RunConfig& config() const override;
    const std::string& runDir() const override;
    // "pid 1234 on host-name": the process that writes the run.
    std::string describeProcess() const;

    // How often the folder is read while the run trains.
    static constexpr int kPollMilliseconds = 200;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace l1ra
L1RA_API_END
