#pragma once
// `--nproc N`: the processes of one data-parallel run on this machine, started as torchrun would start them.
#include <ostream>
#include <string>
#include <vector>

namespace l1ra::cli {

// Runs N copies of this program with `args` (a command and its options), each with RANK, LOCAL_RANK, WORLD_SIZE,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in its environment. Ctrl-C and SIGTERM are passed
// on to them; when one fails the others get `graceSeconds` to notice and stop on their own, then are terminated.
// Rank 0's standard output goes to `rank0Output` when given. Returns 0 when every process succeeded, else the
// first failure's exit status (128 + signal for a killed process), after saying which rank failed how on `err`.
int runLocalWorkers(const std::vector<std::string>& args, int nproc, std::ostream& err, const std::string& rank0Output = "",
                    int graceSeconds = 60);

// In a process runLocalWorkers started: SIGTERM (a stop with a checkpoint) when the launcher dies. A launcher killed
// with SIGKILL cannot pass the signal on, and its workers would otherwise train on with nobody to collect them.
// Does nothing in a process started otherwise (torchrun's workers, a plain `l1ra train`).
void stopWithTheLauncher();

// `args` without `--name VALUE` / `--name=VALUE`.
std::vector<std::string> withoutOption(const std::vector<std::string>& args, const std::string& name);

}  // namespace l1ra::cli
