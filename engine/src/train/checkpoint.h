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
    double lrScale = 1;          // factor on the scheduled learning rate (lowered by skipped divergent steps)
    int divergedInARow = 0;      // steps skipped in a row for a non-finite loss or gradient
    // Early stopping and the best checkpoint (eval.patience, checkpoint.keep_best).
    int64_t bestStep = 0;        // the step of the best validation loss counted (0 = none yet)
    double bestStepLoss = 0;     // its validation loss
    int evalsSinceBest = 0;      // evaluations since then that were not better by more than eval.min_delta
    bool stoppedEarly = false;   // the run ended by early stopping
};

std::string checkpointFolderName(int64_t step);   // "step-00000120"

// Writes runDir/checkpoints/step-N/ atomically and deletes all but the newest `keep`. Returns its path.
// Throws l1ra::Error naming the folder and the cause when a tensor holds NaN or infinities (nothing is written) or
// a write fails (the partial folder is removed; every older checkpoint, and one of the same step, stay as they were).
std::string saveCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state, int keep);
// Restores trainer tensors and moments from a checkpoint folder; throws l1ra::Error naming the file.
CheckpointState loadCheckpoint(const std::string& checkpointDir, Trainer& trainer);
// The newest complete checkpoint folder of a run, or "" when there is none.
std::string newestCheckpoint(const std::string& runDir);

// The best checkpoint lives apart from the rotation: runDir/best/step-N/ (the same format, so exports and "Try it"
// read it like any checkpoint). Saving one replaces the previous best; failures throw as saveCheckpoint does and
// leave the previous best in place.
std::string saveBestCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state);
std::string bestCheckpoint(const std::string& runDir);   // "" when the run kept none
// A resumed run drops a best checkpoint from after the step it resumes at: its evaluation is no longer in the record.
void removeBestCheckpointsAfter(const std::string& runDir, int64_t step);

}  // namespace l1ra
