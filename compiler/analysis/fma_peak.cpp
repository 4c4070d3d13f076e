#include "analysis/fma_peak.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace netc {

namespace {

// 16 independent accumulators: enough to cover the FMA latency (4-5 cycles) on two pipes.
// The multiplier is just below 1 so the values stay finite. One function per ISA (a template
// would be compiled for the baseline ISA, not the function's target).
#define NETC_FMA_CHAINS(V)                                                  \
    V acc[16];                                                              \
    for (int i = 0; i < 16; i++) acc[i] = x + float(i);                     \
    for (long n = 0; n < iterations; n++)                                   \
        for (int i = 0; i < 16; i++) acc[i] = acc[i] * y + x;               \
    V total = acc[0];                                                       \
    for (int i = 1; i < 16; i++) total += acc[i];                           \
    return total[0];

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));
typedef float v4 __attribute__((vector_size(16)));

#if defined(__x86_64__)
__attribute__((target("avx512f"), optimize("unroll-loops"))) float run_avx512(long iterations) {
    const v16 x = v16{} + 0.5f, y = v16{} + 0.999999f;
    NETC_FMA_CHAINS(v16)
}
__attribute__((target("avx2,fma"), optimize("unroll-loops"))) float run_avx2(long iterations) {
    const v8 x = v8{} + 0.5f, y = v8{} + 0.999999f;
    NETC_FMA_CHAINS(v8)
}
#endif
// SSE on x86; NEON (fmla on AArch64, vmla on ARMv7) on an ARM machine.
__attribute__((optimize("unroll-loops"))) float run_128(long iterations) {
    const v4 x = v4{} + 0.5f, y = v4{} + 0.999999f;
    NETC_FMA_CHAINS(v4)
}

}  // namespace

FmaPeak measure_fma_peak(int threads, const TargetInfo &t) {
    FmaPeak p;
    p.threads = std::max(threads, 1);
    float (*run)(long) = run_128;
    int lanes = 4;
#if defined(__x86_64__)
    // The target's vectors, not the CPU's widest: AVX2 code on a Zen 4 is held to AVX2's peak.
    __builtin_cpu_init();
    p.isa = "sse";
    if (t.vector_floats >= 16 && __builtin_cpu_supports("avx512f")) run = run_avx512, lanes = 16, p.isa = "avx512";
    else if (t.vector_floats >= 8 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) run = run_avx2, lanes = 8, p.isa = "avx2";
#else
    p.isa = "neon";
#endif
    const long iterations = 2000000;  // 32M FMAs per thread per round: ~10-20 ms
    volatile float sink = 0;
    for (int round = 0; round < 10; round++) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        std::vector<float> out(size_t(p.threads));
        for (int t = 0; t < p.threads; t++) pool.emplace_back([&, t] { out[size_t(t)] = run(iterations); });
        for (auto &t : pool) t.join();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (float v : out) sink = sink + v;
        p.gflops = std::max(p.gflops, double(iterations) * 16 * lanes * 2 * p.threads / s / 1e9);
    }
    return p;
}

}  // namespace netc
