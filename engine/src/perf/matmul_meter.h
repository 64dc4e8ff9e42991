#pragma once
// Wall time spent inside matrix-product operators (mm, addmm, bmm, baddbmm and friends), measured with a
// RecordFunction callback: a thread-local clock read at the outermost product's start and end, nothing else.
// The operator profiler records every operator with its shapes and doubles a CPU step; this costs a few
// nanoseconds per operator, so `l1ra bench` can report the step's matrix-product share as it really runs.
#include <cstdint>

namespace l1ra {

class MatmulMeter {
public:
    MatmulMeter();    // starts measuring (one meter at a time)
    ~MatmulMeter();   // stops
    MatmulMeter(const MatmulMeter&) = delete;
    MatmulMeter& operator=(const MatmulMeter&) = delete;

    double seconds() const;    // inside matrix products since construction or the last reset
    int64_t calls() const;     // outermost matrix products counted
    void reset();

private:
    uint64_t handle_ = 0;
};

}  // namespace l1ra
