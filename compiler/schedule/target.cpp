#include "schedule/target.h"

#include "spec/diagnostic.h"

namespace netc {

namespace {

// Halide 14 does not fill in implied features, so each target spells out the whole chain
// (a target with only avx512_sapphirerapids would produce 128-bit code).
struct KnownTarget {
    const char *name;
    const char *halide;
    int vector_floats;
    int vector_registers;
    int l2_bytes;
};
// L2 per core: 512 KiB on Zen 2/3 and most AVX2 Intel parts (1-2 MiB on Zen 4 and recent
// Intel): the smaller figure, since a schedule that assumes more spills on the smaller parts.
const KnownTarget kTargets[] = {
    {"x86-64-avx512", "x86-64-linux-sse41-avx-f16c-fma-avx2-avx512-avx512_skylake", 16, 32, 1 << 20},
    {"x86-64-avx2", "x86-64-linux-sse41-avx-f16c-fma-avx2", 8, 16, 512 << 10},
    {"x86-64-sse41", "x86-64-linux-sse41", 4, 16, 256 << 10},
};

TargetInfo make(const KnownTarget &k) {
    return TargetInfo{k.name, Halide::Target(k.halide).with_feature(Halide::Target::NoRuntime), k.vector_floats,
                      k.vector_registers, k.l2_bytes};
}

}  // namespace

TargetInfo resolve_target(const std::string &spec) {
    if (spec == "host") {
        Halide::Target host = Halide::get_host_target();
        if (host.arch != Halide::Target::X86 || host.bits != 64 || host.os != Halide::Target::Linux)
            fail("", "", "--target", "host is " + host.to_string() + "; this version of netc generates code for x86-64 Linux only");
        if (host.has_feature(Halide::Target::AVX512_Skylake)) return make(kTargets[0]);
        if (host.has_feature(Halide::Target::AVX2) && host.has_feature(Halide::Target::FMA)) return make(kTargets[1]);
        return make(kTargets[2]);
    }
    std::string known;
    for (const auto &k : kTargets) {
        if (spec == k.name) return make(k);
        known += std::string(", ") + k.name;
    }
    fail("", "", "--target", "unsupported target '" + spec + "'; expected host" + known);
}

}  // namespace netc
