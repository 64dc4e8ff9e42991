#pragma once
// A fault-injection seam for the crash tests: with L1RA_TEST_CRASH_AT=<point>:<n> in the environment, the n-th time
// the process passes crashPoint("<point>") it kills itself with SIGKILL, as a power cut or the OOM killer would.
// Without the variable it costs one cached getenv. Points: "checkpoint-write" (inside a checkpoint write, after
// the tensors are on disk and before state.json and the rename that make it complete).

namespace l1ra {

void crashPoint(const char* point);

}  // namespace l1ra
