#include "target/target.h"

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
    int l1_bytes, l2_bytes;
    int fma_lanes_per_cycle;
    const char *core;
    const char *arch;
    const char *triple;
    const char *cflags;
    const char *qemu;      // qemu-user binary that runs this code on other machines; none for x86 (qemu 7.2 has no AVX-512)
    const char *qemu_cpu;  // the core qemu emulates by default: one that has every instruction the code uses
    std::vector<const char *> features;  // optional Halide features a user may append to the name
};

// x86 L2 per core: 512 KiB on Zen 2/3 and most AVX2 Intel parts (1-2 MiB on Zen 4 and recent
// Intel): the smaller figure, since a schedule that assumes more spills on the smaller parts.
// The x86 FMA rates are what `netc estimate` would assume; `netc bench` measures the host's.
// ARM: the Cortex-A72 of a Raspberry Pi 4 (32 KiB L1D; 1 MiB L2 shared by 4 cores, so 256 KiB
// a core), the most common board these builds ship to. Its FMA rate is what llvm-mca-14's
// model for it (LLVM's Cortex-A57 model) issues, the figure `netc estimate` measures against:
// one 4-lane fmla a cycle in AArch64, two 4-lane vmla a cycle in AArch32. armv7 code runs the
// same cores in 32-bit mode (32-bit Raspberry Pi OS on a Pi 4), with 16 q registers.
const KnownTarget kTargets[] = {
    {"x86-64-avx512", "x86-64-linux-sse41-avx-f16c-fma-avx2-avx512-avx512_skylake", 16, 32, 32 << 10, 1 << 20, 32,
     "x86-64 with AVX-512 (Skylake-SP and later, Zen 4, Zen 5)", "x86-64", "x86_64-linux-gnu", "", nullptr, nullptr, {}},
    {"x86-64-avx2", "x86-64-linux-sse41-avx-f16c-fma-avx2", 8, 16, 32 << 10, 512 << 10, 16, "x86-64 with AVX2 and FMA (Haswell and later, Zen)",
     "x86-64", "x86_64-linux-gnu", "", nullptr, nullptr, {}},
    {"x86-64-sse41", "x86-64-linux-sse41", 4, 16, 32 << 10, 256 << 10, 8, "x86-64 with SSE4.1", "x86-64", "x86_64-linux-gnu", "", nullptr,
     nullptr, {}},
    {"arm-64-linux", "arm-64-linux", 4, 32, 32 << 10, 256 << 10, 4, "Cortex-A72 (Raspberry Pi 4)", "aarch64", "aarch64-linux-gnu", "",
     "qemu-aarch64", "cortex-a72", {"arm_dot_prod", "arm_fp16"}},
    {"arm-32-linux", "arm-32-linux", 4, 16, 32 << 10, 256 << 10, 8, "Cortex-A72 in 32-bit mode (Raspberry Pi 4, 32-bit Raspberry Pi OS)", "arm",
     "arm-linux-gnueabihf", "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard", "qemu-arm", "cortex-a15", {}},
};

// The GNU triple of the machine netc runs on: the one whose code needs no cross compiler.
const char *host_triple() {
#if defined(__x86_64__)
    return "x86_64-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-linux-gnu";
#elif defined(__arm__)
    return "arm-linux-gnueabihf";
#else
    return "unknown";
#endif
}

const KnownTarget &known(const char *name) {
    for (const auto &k : kTargets)
        if (std::string(name) == k.name) return k;
    fail("", "", "--target", std::string("internal: no target ") + name);
}

// The x86 target this CPU runs best, or the ARM target of an ARM machine.
const KnownTarget &host_target() {
    const Halide::Target host = Halide::get_host_target();
    if (host.os == Halide::Target::Linux && host.arch == Halide::Target::X86 && host.bits == 64) {
        if (host.has_feature(Halide::Target::AVX512_Skylake)) return known("x86-64-avx512");
        if (host.has_feature(Halide::Target::AVX2) && host.has_feature(Halide::Target::FMA)) return known("x86-64-avx2");
        return known("x86-64-sse41");
    }
    if (host.os == Halide::Target::Linux && host.arch == Halide::Target::ARM) return known(host.bits == 64 ? "arm-64-linux" : "arm-32-linux");
    fail("", "", "--target", "host is " + host.to_string() + "; netc generates code for x86-64 and ARM Linux only (" + supported_targets_text() + ")");
}

// Every feature of `code` that this machine's CPU lacks ("" when it runs all of them).
std::string missing_on_host(const Halide::Target &code) {
    const Halide::Target host = Halide::get_host_target();
    if (host.arch != code.arch || host.bits != code.bits) return "a different instruction set";
    std::string missing;
    for (int f = 0; f < int(Halide::Target::FeatureEnd); f++) {
        const auto feature = Halide::Target::Feature(f);
        if (feature == Halide::Target::NoRuntime) continue;
        if (code.has_feature(feature) && !host.has_feature(feature))
            missing += (missing.empty() ? "" : ", ") + Halide::Target::feature_to_name(feature);
    }
    return missing;
}

Executor choose_executor(const KnownTarget &k, const Halide::Target &code, const ExecutorChoice &how) {
    Executor e;
    if (!how.runner.empty()) {
        e.kind = Executor::Kind::Runner;
        e.command = how.runner;
        return e;
    }
    const std::string missing = missing_on_host(code);
    if (missing.empty()) return e;  // in process
    const Halide::Target host = Halide::get_host_target();
    // Code of another instruction set, where qemu emulates it: ARM code on x86, or 32-bit ARM
    // code on a 64-bit ARM machine (whose cores may lack AArch32).
    if (k.qemu && (host.arch != code.arch || host.bits != code.bits)) {
        e.kind = Executor::Kind::Emulator;
        e.package = "qemu-user";
        std::string cpu = how.emulator_cpu.empty() ? k.qemu_cpu : how.emulator_cpu;
        // Cortex-A72 and A53 lack the dot-product instructions (SIGILL under qemu); Neoverse-N1 has them.
        if (how.emulator_cpu.empty() && code.has_feature(Halide::Target::ARMDotProd)) cpu = "neoverse-n1";
        e.command = std::string(k.qemu) + " -L /usr/" + k.triple + " -cpu " + cpu;
        return e;
    }
    // x86 code this CPU lacks features for (AVX-512 on a Zen 3), or x86 code on an ARM machine.
    e.kind = Executor::Kind::None;
    e.unavailable = "this machine cannot run " + std::string(k.name) + " code (it lacks " + missing +
                    "); run it on a device that can with --runner, or pick a target this machine supports";
    return e;
}

}  // namespace

std::string Executor::describe() const {
    switch (kind) {
        case Kind::InProcess: return "in this process";
        case Kind::Emulator: return "emulated: " + command;
        case Kind::Runner: return "runner: " + command;
        case Kind::None: return "no way to run it here";
    }
    return "";
}

std::string supported_targets_text() {
    std::string s = "supported: host";
    for (const auto &k : kTargets) {
        s += std::string(", ") + k.name;
        if (!k.features.empty()) {
            s += " (optional features:";
            for (const char *f : k.features) s += std::string(" -") + f;
            s += ")";
        }
    }
    return s;
}

TargetInfo resolve_target(const std::string &spec, const ExecutorChoice &how) {
    const KnownTarget *base = nullptr;
    std::string extra;  // "-feature-feature" after the target's name
    if (spec == "host") {
        base = &host_target();
    } else {
        for (const auto &k : kTargets) {
            const std::string n = k.name;
            if (spec == n || (spec.size() > n.size() && spec.compare(0, n.size(), n) == 0 && spec[n.size()] == '-')) {
                base = &k;
                extra = spec.substr(n.size());
                break;
            }
        }
    }
    if (!base) fail("", "", "--target", "unsupported target '" + spec + "'; " + supported_targets_text());
    Halide::Target halide(base->halide);
    std::string name = base->name;
    for (size_t at = 0; at < extra.size();) {
        const size_t next = extra.find('-', at + 1);
        const std::string feature = extra.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
        at = next == std::string::npos ? extra.size() : next;
        bool allowed = false;
        for (const char *f : base->features) allowed |= feature == f;
        if (!allowed)
            fail("", "", "--target", "target '" + std::string(base->name) + "' has no optional feature '" + feature + "'; " + supported_targets_text());
        halide = halide.with_feature(Halide::Target::feature_from_name(feature));
        name += "-" + feature;
    }
    halide = halide.with_feature(Halide::Target::NoRuntime);

    TargetInfo t{name, halide, base->vector_floats, base->vector_registers, base->l1_bytes, base->l2_bytes, base->fma_lanes_per_cycle,
                 base->core, base->arch, {}, {}};
    t.toolchain.triple = base->triple;
    t.toolchain.cross = t.toolchain.triple != host_triple();
    t.toolchain.cc = t.toolchain.cross ? t.toolchain.triple + "-gcc" : "cc";
    t.toolchain.cc_package = t.toolchain.cross ? "gcc-" + t.toolchain.triple : "gcc";
    t.toolchain.cflags = base->cflags;
    t.executor = choose_executor(*base, halide, how);
    return t;
}

}  // namespace netc
