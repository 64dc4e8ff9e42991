#pragma once
// Checkpoints: everything needed to continue a run exactly — trainable tensors with their Adam moments,
// the step, λ, budget and bookkeeping. Data order and dropout are functions of (seed, step), so the step is
// the data position and the RNG state. Written into a temporary folder and renamed into place.
#include <string>
#include <vector>

namespace l1ra {

class Trainer;

struct CheckpointState {
    int64_t step = 0;            // optimizer steps done
    double lambda = 0;
    int budget = 0;
    int pendingBudget = 0;       // a budget requested live, applied at the next reallocation (0 = none)
    double lastLoss = 0;
    double bestValLoss = 0;      // 0 = none yet
    double lastValLoss = 0;
    double elapsedSeconds = 0;   // training time so far (pauses excluded)
};

std::string checkpointFolderName(int64_t step);   // "step-00000120"

// Writes runDir/checkpoints/step-N/ atomically and deletes all but the newest `keep`. Returns its path.
std::string saveCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state, int keep);
// Restores trainer tensors and moments from a checkpoint folder; throws l1ra::Error naming the file.
CheckpointState loadCheckpoint(const std::string& checkpointDir, Trainer& trainer);
// The newest complete checkpoint folder of a run, or "" when there is none.
std::string newestCheckpoint(const std::string& runDir);

}  // namespace l1ra
