#pragma once
// How many threads the fused kernels' at::parallel_for really uses. at::parallel_for is a header template:
// compiled without OpenMP it silently runs on the calling thread, whatever the thread count says. `l1ra bench`
// reports this figure so that a build that lost its OpenMP flag shows (and a test fails).
namespace l1ra::kernels {

int kernelThreadCount();

}  // namespace l1ra::kernels
