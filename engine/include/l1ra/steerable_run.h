#pragma once
// A run a front end drives: trained here (TrainingSession) or by another process and followed through its run
// folder (AttachedRun). The studio's controller holds one of these and does not need to know which.
#include "l1ra/api.h"
#include "l1ra/run_config.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

struct RunSummary;

class SteerableRun {
public:
    virtual ~SteerableRun() = default;

    // Blocks the calling thread (a worker) until the run ends or the front end lets go of it (leave()); reports
    // what the run does to the sink it was made with. Errors come back in the summary, not as exceptions.
    virtual RunSummary run() = 0;

    // Thread-safe; each applies at the run's next step boundary (a budget at its next reallocation).
    virtual void pause() = 0;
    virtual void resume() = 0;
    virtual void stop() = 0;                    // with a checkpoint
    virtual void checkpointNow() = 0;
    virtual void setLambda(double lambda) = 0;  // throws l1ra::Error when out of range
    virtual void setBudget(int budget) = 0;     // throws l1ra::Error when below 1

    // The front end goes away: a run trained here stops (it checkpoints first), a followed run goes on without
    // it. run() returns soon after.
    virtual void leave() = 0;

    virtual const RunConfig& config() const = 0;
    virtual const std::string& runDir() const = 0;
};

}  // namespace l1ra
L1RA_API_END
