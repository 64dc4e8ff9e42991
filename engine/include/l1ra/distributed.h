#pragma once
// Data-parallel training across processes (docs/distributed.md): each process trains on its share of every batch
// and the gradients are summed through PyTorch's c10d (Gloo). Which process this is comes from torchrun's
// environment variables, set by `l1ra train --nproc N` or by any launcher that sets them.
#include "l1ra/api.h"

#include <optional>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

struct ProcessGroupSetup {
    int rank = 0;                 // RANK: 0 writes the run folder and decides reallocations
    int worldSize = 1;            // WORLD_SIZE
    int localRank = 0;            // LOCAL_RANK: the process's index on its machine
    int localWorldSize = 1;       // LOCAL_WORLD_SIZE: processes on this machine (they share its cores)
    std::string masterAddress = "127.0.0.1";   // MASTER_ADDR: where rank 0 serves the rendezvous store
    int masterPort = 29500;       // MASTER_PORT
    // L1RA_DIST_TIMEOUT: how long a collective (and the rendezvous) waits for a process that is alive but silent.
    // A process that dies is noticed at once: its connections close.
    int timeoutSeconds = 1800;
    bool distributed() const { return worldSize > 1; }
};

// The setup torchrun's variables describe; nullopt when WORLD_SIZE is not set. Throws l1ra::Error naming the
// variable when one is malformed or inconsistent (RANK outside [0, WORLD_SIZE), a port outside 1..65535).
std::optional<ProcessGroupSetup> processGroupFromEnvironment();

bool dataParallelAvailable();   // false when this build's LibTorch has no Gloo

}  // namespace l1ra
L1RA_API_END
