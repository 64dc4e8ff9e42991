#pragma once
// The processes of a data-parallel run, joined through c10d: a TCPStore rendezvous served by rank 0 and a Gloo
// process group. Collectives block until every process has called them; a process that died makes them throw
// l1ra::Error at once, one that hangs after the setup's timeout.
#include "l1ra/distributed.h"

#include <torch/types.h>

#include <memory>
#include <vector>

namespace l1ra {

class ProcessGroup {
public:
    explicit ProcessGroup(const ProcessGroupSetup& setup);   // waits for every process (the rendezvous)
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const { return setup_.rank; }
    int size() const { return setup_.worldSize; }
    const ProcessGroupSetup& setup() const { return setup_; }

    // In place, every tensor (contiguous) summed over all processes; the calls run concurrently, then all are waited for.
    void sum(std::vector<torch::Tensor>& tensors);
    void max(std::vector<torch::Tensor>& tensors);
    // In place: every process ends with root's values.
    void broadcast(std::vector<torch::Tensor>& tensors, int root = 0);

    // Starts summing `tensor` (contiguous) over all processes in place and returns at once; waitForSums() waits for
    // every sum started. Every process must start the same sums in the same order.
    void startSum(torch::Tensor tensor);
    void waitForSums();

private:
    struct Impl;
    ProcessGroupSetup setup_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace l1ra
