// Static look at the machine code Halide generated for ARM: per stage, the innermost loop that
// does the most multiply-adds, its instruction mix, and llvm-mca's throughput estimate for it.
// `netc estimate` reports these without running anything on an ARM board.
//
// Facts this relies on (checked on Halide 14 / LLVM 14 output):
//   - Halide outlines parallel loop bodies and async producers into their own symbols, named
//     "<fn>_par_for_<loop>" and "<fn>_fork_<n>" (nested: "<fn>_par_for_..._fork_0_par_for_..."),
//     sometimes with a uniquifying "__<n>" suffix (arm-32 objects, and after link_modules).
//     The stage's hot loop is usually in one of them.
//   - Halide's arm-32 code has no fused multiply-adds: LLVM keeps vmul.f32 + vadd.f32. So when
//     no loop of a stage has FMAs, the hot loop is the one with the most float-multiply lanes.
//   - llvm-mca-14 models cortex-a72 and neoverse-n1 for aarch64, but neoverse-n1 (and
//     cortex-a76) fall back to the Cortex-A57 model, so both give the same numbers. For armv7
//     only cortex-a57/a72 (A57 model), cortex-a9/a15 (A9 model) and swift have a model, and the
//     A9 model rejects vldmia/vstmia ("unable to resolve scheduling class"), which Halide's
//     arm-32 loops use to spill q registers: use cortex-a72 for arm.
//   - The A57 model gives AArch64 fmla .4s one per cycle (4 lanes) but AArch32 vmla.f32 q two
//     per cycle (8 lanes), so peaks differ between the arches on the same cpu.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

struct LoopStats {
    std::string function;        // symbol the loop is in
    uint64_t begin = 0, end = 0; // address of the loop's first instruction and of its backward branch
    int instructions = 0;        // in the loop body, the backward branch included
    int fmas = 0;                // fused/unfused multiply-accumulates: AArch64 fmla/fmls/fmadd/fmsub/fnmadd/fnmsub; AArch32 vmla/vmls/vfma/vfms/vfnma/vfnms on floats
    int fma_lanes = 0;           // float lanes per FMA summed over the loop's FMAs (4 for .4s / q registers, 2 for .2s / d registers, 1 scalar)
    int fmuls = 0, fmul_lanes = 0;  // plain float multiplies (fmul, vmul.f32): what arm-32 code has instead of FMAs
    int fadds = 0;               // float adds/subtracts (fadd/fsub, vadd.f32/vsub.f32)
    int loads = 0, stores = 0;   // memory instructions (ldr/ldp/ld1.../str/stp/st1..., vld1/vst1/vldr/vstr/vldm/vstm/vpush/vpop...)
    int spills = 0;              // loads/stores inside the loop that address the stack (sp, or a register set from sp), i.e. register spills/reloads
    bool broadcasts = false;     // it multiplies by one value across lanes (a by-element operand "v1.s[0]" / "d0[1]", or
                                 // a load-replicate "ld1r" / "vld1.32 {d0[]}"): a convolution's register tile; a
                                 // depthwise loop multiplies whole vectors
    std::vector<std::string> body;  // the loop's instructions as assembly text llvm-mca accepts (branch targets rewritten to kLoopLabel)
};

// The label the rewritten branches in LoopStats::body jump to; estimate_loop defines it.
extern const char *const kLoopLabel;

struct StageLoops {
    std::string stage_function;  // the name given
    bool found = false;          // any symbol of this stage was in the object
    std::vector<std::string> symbols;  // the stage's symbols found: the function and its outlined closures
    LoopStats hot;               // the innermost loop with the most FMA lanes (ties: more instructions); if no loop
                                 // has FMAs, the one with the most float-multiply lanes; empty if neither
    int innermost_loops = 0;     // how many innermost loops the stage's code has
    std::vector<LoopStats> multiply_loops;  // every innermost loop with float multiplies, hottest first
};

// arch: "aarch64" or "arm" (AArch32). Runs llvm-objdump-14 on `object_or_archive`; for each name in
// stage_functions collects that symbol and the symbols Halide outlines from it ("<fn>_par_for_...",
// "<fn>_fork_..."), finds the loops (a backward branch to an address inside the same function
// delimits one; branches sharing a target are one loop), keeps the innermost ones, and returns per
// stage its hottest innermost loop. Errors (tool missing, unreadable file, code of the other arch)
// throw std::runtime_error.
std::vector<StageLoops> find_hot_loops(const std::string &object_or_archive, const std::string &arch,
                                       const std::vector<std::string> &stage_functions);

// Pure parser, for tests: the same, from `llvm-objdump -d --no-show-raw-insn` text.
std::vector<StageLoops> find_hot_loops_in_disassembly(const std::string &objdump_text, const std::string &arch,
                                                      const std::vector<std::string> &stage_functions);

struct McaEstimate {
    std::string cpu;                     // e.g. "cortex-a72"
    std::string model;                   // llvm-mca's scheduling model, from its resource names ("A57" for cortex-a72 and neoverse-n1 in LLVM 14)
    double cycles_per_iteration = 0;     // llvm-mca: Total Cycles / Iterations over kMcaIterations iterations
                                         // (the pipeline fill adds about latency / kMcaIterations)
    double peak_fma_lanes_per_cycle = 0; // the same model's peak: float lanes of FMA per cycle from a block of
                                         // independent fmla v.4s (vmla.f32 q on arm), measured once per arch and cpu
};

constexpr int kMcaIterations = 200;

// llvm-mca-14 on the loop body (-mtriple aarch64-linux-gnu or armv7a-linux-gnueabihf with NEON,
// -mcpu cpu). Throws std::runtime_error if the body is empty, llvm-mca is missing or fails, or it
// has no scheduling model for the cpu.
McaEstimate estimate_loop(const LoopStats &loop, const std::string &arch, const std::string &cpu);

}  // namespace netc
