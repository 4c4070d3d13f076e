// A target: where generated code runs. One object with three faces, and everything that
// depends on the target (compile, check, run, bench, tune, estimate, the tests) reads it from
// here, never from `if (arm)` branches of its own:
//   codegen facts  what the schedules derive tiles from (lanes, registers, caches, FMA rate);
//   toolchain      how C code and programs are built and linked for it (compiler, flags);
//   executor       how a program for it is run: in this process, under an emulator, or through
//                  a user's runner command (an ssh script to a board, say).
// Target knowledge lives here and in schedules/<target>.json only.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"

namespace netc {

// How a C program for the target is compiled and linked.
struct Toolchain {
    std::string triple;      // GNU triple: "x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf"
    std::string cc;          // the C compiler: "cc" when the target is this machine's kind, else "<triple>-gcc"
    std::string cc_package;  // the Debian package that provides cc (named when it is missing)
    std::string cflags;      // ISA and ABI flags every C file for the target is compiled with
    bool cross = false;      // cc builds for another kind of machine than this one
};

// How a program built for the target is run.
struct Executor {
    enum class Kind {
        InProcess,  // this machine runs the code: models are loaded into netc (lib<model>.so)
        Emulator,   // qemu-user on this machine; results are exact, times mean nothing
        Runner,     // a user's command: `RUNNER PROGRAM ARGS...` in a directory holding PROGRAM's files
        None,       // nothing here can run it (AVX-512 code on a Zen 3): `unavailable` says why
    };
    Kind kind = Kind::InProcess;
    std::string command;  // Emulator, Runner: the words put before the program
    std::string package;  // Emulator: the Debian package that provides it
    std::string unavailable;  // None: why, and what to do instead
    std::string describe() const;  // "in this process", "emulated: qemu-aarch64 -cpu cortex-a72", "runner: ./ssh_pi.sh"
    bool emulated() const { return kind == Kind::Emulator; }
};

struct TargetInfo {
    std::string name;       // canonical, used for directory names: "x86-64-avx2", "arm-64-linux", ...
    Halide::Target halide;  // what code is generated for (without the runtime)
    // Codegen facts.
    int vector_floats;      // float32 lanes of the natural vector
    int vector_registers;   // architectural vector registers
    int l1_bytes;           // per-core L1 data cache
    int l2_bytes;           // per-core L2 cache (its share, when cores share one), what a stage's reused working set should fit
    int fma_lanes_per_cycle;  // float32 multiply-adds one core can issue per cycle: the "% of FMA peak" yardstick
    std::string core;       // the core these facts describe, e.g. "Cortex-A72 (Raspberry Pi 4)"
    std::string arch;       // "x86-64", "aarch64", "arm": what `netc estimate` disassembles
    Toolchain toolchain;
    Executor executor;
};

// Where and how to run, beside the target's name (CLI: --runner, --emulator-cpu).
struct ExecutorChoice {
    std::string runner;        // a user's runner command; "" = the target's default executor
    std::string emulator_cpu;  // the CPU qemu emulates; "" = the target's default (cortex-a72, cortex-a15)
};

// "host" (this machine: the best x86-64 target its CPU supports, or arm-64-linux /
// arm-32-linux on an ARM machine), "x86-64-avx2", "x86-64-avx512", "x86-64-sse41",
// "arm-64-linux", "arm-32-linux", optionally with extra features appended
// ("arm-64-linux-arm_dot_prod"). Anything else is a CompileError naming the field "--target"
// and listing the accepted targets and features. The executor is chosen here too: in-process
// when this machine can run the code, qemu-user for ARM code on another machine, or the
// runner when one is given.
TargetInfo resolve_target(const std::string &spec, const ExecutorChoice &how = {});

// The targets and their optional features, for --help texts and error messages.
std::string supported_targets_text();

}  // namespace netc
