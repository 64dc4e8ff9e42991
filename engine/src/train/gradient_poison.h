#pragma once
// Test hook, not API (plain C++, so the studio's suites can use it too): makes a gradient NaN on purpose, to test
// what a run does at a divergence (docs/training-failures.md).
#include "l1ra/api.h"

#include <string>

namespace l1ra {

// From now on, steps [step, step + count) (0-based, as Trainer::step counts) of any trainer in this process fill
// the gradient of the tensor named `tensor` (the first trainable when empty) with NaN before the step's check.
// step < 0 turns it off.
// Exported from libl1ra although internal: the studio's suites link the shared library.
L1RA_API void poisonGradientForTesting(int step, const std::string& tensor = "", int count = 1);

}  // namespace l1ra
