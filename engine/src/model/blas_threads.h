#pragma once
// OpenBLAS's own thread pool, beside LibTorch's OpenMP threads.

namespace l1ra {

// Sets OpenBLAS's thread count (no effect without OpenBLAS, or when OPENBLAS_NUM_THREADS is set).
void setBlasThreads(int n);

}  // namespace l1ra
