// This machine's measured multiply-add peak, the yardstick `netc bench` reports efficiency
// against: independent fused multiply-add chains in the widest vectors the CPU has (AVX-512,
// else AVX2+FMA, else SSE), on `threads` threads at once, best of a few short rounds.
#pragma once

#include <string>

namespace netc {

struct FmaPeak {
    double gflops = 0;    // all threads together, 2 flops per lane per FMA
    std::string isa;      // "avx512", "avx2", "sse"
    int threads = 1;
};

FmaPeak measure_fma_peak(int threads);

}  // namespace netc
