#pragma once
// Instruction sets without -march=native: a function marked L1RA_KERNEL_CLONES is compiled three times by GCC
// (baseline x86-64, x86-64-v3 = AVX2+FMA, x86-64-v4 = AVX-512) and the loader picks the best one for the CPU
// (ifunc). Mark the functions that hold the hot loops, not the lambdas around them: a lambda is a function of
// its own and is not cloned. Other compilers and targets, or -DL1RA_NO_KERNEL_CLONES, get the baseline build.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__) && defined(__linux__) && \
    !defined(L1RA_NO_KERNEL_CLONES)
#define L1RA_KERNEL_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define L1RA_KERNEL_CLONES
#endif
