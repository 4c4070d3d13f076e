// This machine's measured multiply-add peak, the yardstick `netc bench` reports efficiency
// against: independent fused multiply-add chains in the vectors of the target the code was
// compiled for (AVX-512, AVX2+FMA, SSE; NEON on an ARM machine), on `threads` threads at
// once, best of a few short rounds. Only for code this machine runs (target.h's executor).
#pragma once

#include <string>

#include "target/target.h"

namespace netc {

struct FmaPeak {
    double gflops = 0;    // all threads together, 2 flops per lane per FMA
    std::string isa;      // "avx512", "avx2", "sse", "neon"
    int threads = 1;
};

FmaPeak measure_fma_peak(int threads, const TargetInfo &t);

}  // namespace netc
