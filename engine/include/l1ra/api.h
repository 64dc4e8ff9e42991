#pragma once
// What libl1ra exports. The engine is compiled with every symbol hidden (-fvisibility=hidden), so front ends can
// link only what a public header declares: each public header wraps its declarations in L1RA_API_BEGIN /
// L1RA_API_END (nothing in it can be forgotten), and a lone declaration outside them is marked L1RA_API.
#if defined(__GNUC__) || defined(__clang__)
#define L1RA_API __attribute__((visibility("default")))
#define L1RA_API_BEGIN _Pragma("GCC visibility push(default)")
#define L1RA_API_END _Pragma("GCC visibility pop")
#else
#define L1RA_API
#define L1RA_API_BEGIN
#define L1RA_API_END
#endif
