#pragma once
// Steering a run from another process (docs/distributed.md#steering-a-headless-run): a command is a small file
// in the run folder's commands/ folder; the process that writes the run (rank 0 of a data-parallel run) reads
// them at each step boundary, applies them as the studio's live controls, and deletes them.
#include "l1ra/api.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

enum class RunCommand { Lambda, Budget, Stop, Checkpoint, Pause, Resume };

// Writes the command atomically into runDir/commands/. Throws l1ra::Error when runDir is not a run folder, the
// value is out of range (λ in [0, 100], a budget of 1 or more) or the file cannot be written.
void sendRunCommand(const std::string& runDir, RunCommand command, double value = 0);

}  // namespace l1ra
L1RA_API_END
