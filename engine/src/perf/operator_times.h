#pragma once
// Wall time per operator, without the profiler's overhead: a RecordFunction callback times each thread's
// outermost operator (forward operators, and backward nodes as "backward: <node>") and, at any depth, the
// engine's own l1ra:: scopes (a fused kernel's forward, the softmax inside the attention). `l1ra bench
// --operators` reports them per step: where the time that is not matrix products goes.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

struct OperatorTime {
    std::string name;
    double seconds = 0;   // inclusive wall time
    int64_t calls = 0;
    bool nested = false;  // an l1ra:: scope inside another operator (its time is also in that operator's)
};

class OperatorTimes {
public:
    OperatorTimes();    // starts recording (one recorder at a time)
    ~OperatorTimes();   // stops
    OperatorTimes(const OperatorTimes&) = delete;
    OperatorTimes& operator=(const OperatorTimes&) = delete;

    void reset();
    std::vector<OperatorTime> entries() const;   // longest first

private:
    uint64_t handle_ = 0;
};

// "autograd::engine::evaluate_function: torch::autograd::CppNode<l1ra::kernels::(anonymous namespace)::XFunction>"
// -> "backward: XFunction", "...: torch::autograd::AccumulateGrad" -> "backward: AccumulateGrad"; other names
// unchanged.
std::string shortOperatorName(const std::string& name);

}  // namespace l1ra
