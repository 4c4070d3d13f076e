// Finding a stage's hot innermost loop in llvm-objdump text, and llvm-mca's estimate for it.
// The samples are written in the exact shape llvm-objdump-14 -d --no-show-raw-insn prints
// Halide's output (tabs included); the expected counts are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/hot_loops.h"

namespace netc {
namespace {

// netc_m_s1_conv: an outer loop 0x10..0x4c around an inner loop 0x18..0x3c (10 instructions:
// 4 fmla of 4+4+4+2 lanes, 2 loads, 1 store that spills q5 to the stack), then a copy loop
// 0x50..0x5c without floats. Its parallel closure has a scalar fmadd loop (2 lanes), less hot.
// The calls at 0x68/0x6c are unrelocated (target = own address) and are not loops.
// netc_m_s1_conv_extra is another stage's symbol with a hotter loop: it must not be counted.
const char *kAArch64 =
    "\n"
    "stages.a(stages.o):\tfile format elf64-littleaarch64\n"
    "\n"
    "Disassembly of section .text.netc_m_s1_conv_par_for_conv_s0_y_rebased__1:\n"
    "\n"
    "0000000000000000 <netc_m_s1_conv_par_for_conv_s0_y_rebased__1>:\n"
    "       0:      \tmov\tx8, xzr\n"
    "       4:      \tldr\ts1, [x2, x8]\n"
    "       8:      \tfmadd\ts0, s1, s2, s0\n"
    "       c:      \tfmadd\ts3, s1, s4, s3\n"
    "      10:      \tadd\tx8, x8, #4\n"
    "      14:      \ttbz\tw8, #10, 0x4 <netc_m_s1_conv_par_for_conv_s0_y_rebased__1+0x4>\n"
    "      18:      \tret\n"
    "\n"
    "Disassembly of section .text.netc_m_s1_conv:\n"
    "\n"
    "0000000000000000 <netc_m_s1_conv>:\n"
    "       0:      \tsub\tsp, sp, #64\n"
    "       4:      \tcbz\tx0, 0x68 <netc_m_s1_conv+0x68>\n"
    "       8:      \tmov\tw9, wzr\n"
    "       c:      \tmovi\tv4.2d, #0000000000000000\n"
    "      10:      \tmov\tx10, xzr\n"
    "      14:      \tldr\tq5, [x3]\n"
    "      18:      \tldr\tq0, [x1, x10]\n"
    "      1c:      \tldr\ts1, [x2, x10]\n"
    "      20:      \tfmla\tv4.4s, v0.4s, v1.s[0]\n"
    "      24:      \tfmla\tv5.4s, v0.4s, v1.s[1]\n"
    "      28:      \tfmla\tv6.4s, v0.4s, v1.s[2]\n"
    "      2c:      \tfmla\tv7.2s, v0.2s, v1.2s\n"
    "      30:      \tstr\tq5, [sp, #16]\n"
    "      34:      \tadd\tx10, x10, #16\n"
    "      38:      \tcmp\tx10, #256\n"
    "      3c:      \tb.ne\t0x18 <netc_m_s1_conv+0x18>\n"
    "      40:      \tstr\tq4, [x4], #16\n"
    "      44:      \tadd\tw9, w9, #1\n"
    "      48:      \tcmp\tw9, w5\n"
    "      4c:      \tb.lt\t0x10 <netc_m_s1_conv+0x10>\n"
    "      50:      \tldr\tq2, [x6], #16\n"
    "      54:      \tstr\tq2, [x7], #16\n"
    "      58:      \tsubs\tx11, x11, #1\n"
    "      5c:      \tb.ne\t0x50 <netc_m_s1_conv+0x50>\n"
    "      60:      \tadd\tsp, sp, #64\n"
    "      64:      \tret\n"
    "      68:      \tbl\t0x68 <netc_m_s1_conv+0x68>\n"
    "      6c:      \tb\t0x6c <netc_m_s1_conv+0x6c>\n"
    "\n"
    "Disassembly of section .text.netc_m_s1_conv_extra:\n"
    "\n"
    "0000000000000000 <netc_m_s1_conv_extra>:\n"
    "       0:      \tfmla\tv0.4s, v1.4s, v2.4s\n"
    "       4:      \tfmla\tv3.4s, v1.4s, v2.4s\n"
    "       8:      \tfmla\tv4.4s, v1.4s, v2.4s\n"
    "       c:      \tfmla\tv5.4s, v1.4s, v2.4s\n"
    "      10:      \tfmla\tv6.4s, v1.4s, v2.4s\n"
    "      14:      \tcbnz\tx0, 0x0 <netc_m_s1_conv_extra>\n"
    "      18:      \tret\n";

TEST(HotLoops, AArch64PicksTheInnerFmaLoop) {
    const auto stages = find_hot_loops_in_disassembly(kAArch64, "aarch64", {"netc_m_s1_conv", "netc_m_s9_missing"});
    ASSERT_EQ(stages.size(), 2u);
    const StageLoops &s = stages[0];
    EXPECT_EQ(s.stage_function, "netc_m_s1_conv");
    EXPECT_TRUE(s.found);
    EXPECT_EQ(s.symbols, (std::vector<std::string>{"netc_m_s1_conv_par_for_conv_s0_y_rebased__1", "netc_m_s1_conv"}));
    EXPECT_EQ(s.innermost_loops, 3);  // the fmla loop, the copy loop, the closure's fmadd loop

    const LoopStats &h = s.hot;
    EXPECT_EQ(h.function, "netc_m_s1_conv");
    EXPECT_EQ(h.begin, 0x18u);
    EXPECT_EQ(h.end, 0x3cu);
    EXPECT_EQ(h.instructions, 10);
    EXPECT_EQ(h.fmas, 4);
    EXPECT_EQ(h.fma_lanes, 14);
    EXPECT_EQ(h.loads, 2);
    EXPECT_EQ(h.stores, 1);
    EXPECT_EQ(h.spills, 1);
    ASSERT_EQ(h.body.size(), 10u);
    EXPECT_EQ(h.body.front(), "ldr\tq0, [x1, x10]");
    EXPECT_EQ(h.body.back(), std::string("b.ne\t") + kLoopLabel);

    EXPECT_FALSE(stages[1].found);
    EXPECT_EQ(stages[1].innermost_loops, 0);
    EXPECT_TRUE(stages[1].hot.body.empty());
}

TEST(HotLoops, AArch64ClosureAloneAndTbzLoop) {
    // Asked for the closure by its own name: its fmadd loop 0x4..0x14, closed by tbz.
    const auto stages = find_hot_loops_in_disassembly(kAArch64, "aarch64", {"netc_m_s1_conv_par_for_conv_s0_y_rebased__1"});
    const LoopStats &h = stages[0].hot;
    EXPECT_EQ(h.begin, 0x4u);
    EXPECT_EQ(h.instructions, 5);
    EXPECT_EQ(h.fmas, 2);
    EXPECT_EQ(h.fma_lanes, 2);
    EXPECT_EQ(h.loads, 1);
    EXPECT_EQ(h.spills, 0);
    EXPECT_EQ(h.body.back(), std::string("tbz\tw8, #10, ") + kLoopLabel);
}

// netc_m_s2_dw (ARM mode, as Halide's arm-32 code): inner loop 0x14..0x38, 10 instructions:
// vmla.f32 q (4 lanes) + vfma.f32 d (2 lanes) = 2 FMAs of 6 lanes; 1 vmul.f32 q, 1 vadd.f32;
// loads vld1 + vldmia, store vstr; spills: the vldmia through r6 (= sp + 32, set before the
// loop) and the vstr to [sp, #8]. The latch names a mapping symbol, as objdump does for arm.
// Its closure has a vmul-only loop, and netc_m_s3_fc has only vmul + vadd (no FMA anywhere).
const char *kArm =
    "\n"
    "stages.o:\tfile format elf32-littlearm\n"
    "\n"
    "Disassembly of section .text.netc_m_s2_dw:\n"
    "\n"
    "00000000 <netc_m_s2_dw>:\n"
    "       0:      \tpush\t{r4, r5, r6, lr}\n"
    "       4:      \tvpush\t{d8, d9}\n"
    "       8:      \tsub\tsp, sp, #64\n"
    "       c:      \tadd\tr6, sp, #32\n"
    "      10:      \tmov\tr3, #0\n"
    "      14:      \tvld1.32\t{d16, d17}, [r1]!\n"
    "      18:      \tvldmia\tr6, {d2, d3}\n"
    "      1c:      \tvmla.f32\tq0, q8, q1\n"
    "      20:      \tvfma.f32\td4, d16, d17\n"
    "      24:      \tvmul.f32\tq2, q8, d2[0]\n"
    "      28:      \tvadd.f32\tq3, q3, q2\n"
    "      2c:      \tvstr\td8, [sp, #8]\n"
    "      30:      \tadd\tr3, r3, #1\n"
    "      34:      \tcmp\tr3, r2\n"
    "      38:      \tbne\t0x14 <$a.0+0x14>     @ imm = #-44\n"
    "      3c:      \tldr\tr0, [pc, #8]         @ 0x4c <$d.1>\n"
    "      40:      \tadd\tsp, sp, #64\n"
    "      44:      \tvpop\t{d8, d9}\n"
    "      48:      \tpop\t{r4, r5, r6, pc}\n"
    "\n"
    "0000004c <$d.1>:\n"
    "      4c:\t00 00 00 00\t.word\t0x00000000\n"
    "\n"
    "00000050 <$a.2>:\n"
    "      50:      \tbl\t0x50 <$a.2>            @ imm = #-8\n"
    "\n"
    "Disassembly of section .text.netc_m_s2_dw_par_for_dw_s0_y_rebased__2:\n"
    "\n"
    "00000000 <netc_m_s2_dw_par_for_dw_s0_y_rebased__2>:\n"
    "       0:      \tvld1.32\t{d16, d17}, [r1]!\n"
    "       4:      \tvmul.f32\tq0, q8, q8\n"
    "       8:      \tvmul.f32\tq1, q8, q0\n"
    "       c:      \tvst1.32\t{d0, d1}, [r2]!\n"
    "      10:      \tsubs\tr3, r3, #1\n"
    "      14:      \tbgt\t0x0 <netc_m_s2_dw_par_for_dw_s0_y_rebased__2> @ imm = #-28\n"
    "      18:      \tbx\tlr\n"
    "\n"
    "Disassembly of section .text.netc_m_s3_fc:\n"
    "\n"
    "00000000 <netc_m_s3_fc>:\n"
    "       0:      \tvld1.32\t{d16, d17}, [r1]!\n"
    "       4:      \tvmul.f32\tq1, q8, q9\n"
    "       8:      \tvadd.f32\tq0, q0, q1\n"
    "       c:      \tsubs\tr3, r3, #1\n"
    "      10:      \tbne\t0x0 <netc_m_s3_fc>    @ imm = #-24\n"
    "      14:      \tbx\tlr\n";

TEST(HotLoops, ArmPicksTheFmaLoopAndSeesSpillsThroughSpCopies) {
    const auto stages = find_hot_loops_in_disassembly(kArm, "arm", {"netc_m_s2_dw", "netc_m_s3_fc"});
    const StageLoops &s = stages[0];
    EXPECT_TRUE(s.found);
    EXPECT_EQ(s.symbols.size(), 2u);
    EXPECT_EQ(s.innermost_loops, 2);
    const LoopStats &h = s.hot;
    EXPECT_EQ(h.function, "netc_m_s2_dw");
    EXPECT_EQ(h.begin, 0x14u);
    EXPECT_EQ(h.instructions, 10);
    EXPECT_EQ(h.fmas, 2);
    EXPECT_EQ(h.fma_lanes, 6);
    EXPECT_EQ(h.fmuls, 1);
    EXPECT_EQ(h.fmul_lanes, 4);
    EXPECT_EQ(h.fadds, 1);
    EXPECT_EQ(h.loads, 2);
    EXPECT_EQ(h.stores, 1);
    EXPECT_EQ(h.spills, 2);
    EXPECT_EQ(h.body.back(), std::string("bne\t") + kLoopLabel);
}

TEST(HotLoops, WithoutFmasTheMultiplyLoopIsHot) {
    // Halide's arm-32 code multiplies and adds separately; that loop is still the one to report.
    const auto stages = find_hot_loops_in_disassembly(kArm, "arm", {"netc_m_s3_fc"});
    const LoopStats &h = stages[0].hot;
    EXPECT_EQ(h.instructions, 5);
    EXPECT_EQ(h.fmas, 0);
    EXPECT_EQ(h.fmuls, 1);
    EXPECT_EQ(h.fmul_lanes, 4);
    EXPECT_EQ(h.fadds, 1);
}

TEST(HotLoops, CodeOfTheOtherArchIsAnError) {
    EXPECT_THROW(find_hot_loops_in_disassembly(kArm, "aarch64", {"netc_m_s2_dw"}), std::runtime_error);
    EXPECT_THROW(find_hot_loops_in_disassembly(kAArch64, "x86-64", {"netc_m_s1_conv"}), std::runtime_error);
    EXPECT_THROW(find_hot_loops("/nonexistent/stages.o", "aarch64", {"f"}), std::runtime_error);
}

TEST(HotLoops, McaEstimateOfIndependentFmlas) {
    LoopStats loop;
    for (int k = 0; k < 8; k++) {
        loop.body.push_back("fmla\tv" + std::to_string(k) + ".4s, v8.4s, v9.4s");
        loop.fmas++;
        loop.fma_lanes += 4;
    }
    const McaEstimate e = estimate_loop(loop, "aarch64", "cortex-a72");
    EXPECT_EQ(e.cpu, "cortex-a72");
    EXPECT_GT(e.cycles_per_iteration, 0);
    EXPECT_GT(e.peak_fma_lanes_per_cycle, 0);
    EXPECT_LE(loop.fma_lanes / e.cycles_per_iteration, e.peak_fma_lanes_per_cycle);
}

TEST(HotLoops, McaAcceptsTheRewrittenBodies) {
    const LoopStats a64 = find_hot_loops_in_disassembly(kAArch64, "aarch64", {"netc_m_s1_conv"})[0].hot;
    for (const char *cpu : {"cortex-a72", "neoverse-n1"}) {
        const McaEstimate e = estimate_loop(a64, "aarch64", cpu);
        EXPECT_GT(e.cycles_per_iteration, 0) << cpu;
        EXPECT_LE(a64.fma_lanes / e.cycles_per_iteration, e.peak_fma_lanes_per_cycle) << cpu;
    }
    const LoopStats a32 = find_hot_loops_in_disassembly(kArm, "arm", {"netc_m_s2_dw"})[0].hot;
    EXPECT_GT(estimate_loop(a32, "arm", "cortex-a72").cycles_per_iteration, 0);
}

TEST(HotLoops, McaErrors) {
    const LoopStats a32 = find_hot_loops_in_disassembly(kArm, "arm", {"netc_m_s2_dw"})[0].hot;
    EXPECT_THROW(estimate_loop(a32, "arm", "neoverse-n1"), std::runtime_error);  // no armv7 model
    EXPECT_THROW(estimate_loop(a32, "arm", "no-such-cpu"), std::runtime_error);
    EXPECT_THROW(estimate_loop(LoopStats{}, "aarch64", "cortex-a72"), std::runtime_error);
}

// A fused stage: a depthwise loop (whole-vector fmla) that writes a row to a buffer on the
// stack (x3 = sp + 64), and a conv loop that reads it back through x3 and multiplies by
// lanes. Reading a stack buffer through a register is data, not a spill; a reload from
// [sp, #imm] is a spill. Both loops are kept, conv first (it has more lanes).
const char *kFused =
    "\n"
    "Disassembly of section .text.netc_m_s3_pw:\n"
    "\n"
    "0000000000000000 <netc_m_s3_pw>:\n"
    "       0:      \tsub\tsp, sp, #128\n"
    "       4:      \tadd\tx3, sp, #64\n"
    "       8:      \tldr\tq0, [x1], #16\n"
    "       c:      \tfmla\tv4.4s, v0.4s, v8.4s\n"
    "      10:      \tstr\tq4, [x3], #16\n"
    "      14:      \tsubs\tx9, x9, #1\n"
    "      18:      \tb.ne\t0x8 <netc_m_s3_pw+0x8>\n"
    "      1c:      \tadd\tx3, sp, #64\n"
    "      20:      \tldr\tq0, [x2, x10]\n"
    "      24:      \tldr\ts1, [x3], #4\n"
    "      28:      \tld1r\t{ v2.4s }, [x4], #4\n"
    "      2c:      \tfmla\tv5.4s, v0.4s, v1.s[0]\n"
    "      30:      \tfmla\tv6.4s, v0.4s, v2.4s\n"
    "      34:      \tldr\tq7, [sp, #16]\n"
    "      38:      \tadd\tx10, x10, #16\n"
    "      3c:      \tcmp\tx10, #256\n"
    "      40:      \tb.ne\t0x20 <netc_m_s3_pw+0x20>\n"
    "      44:      \tret\n";

TEST(HotLoops, FusedStageKeepsBothLoopsAndTellsConvFromDepthwise) {
    const auto stages = find_hot_loops_in_disassembly(kFused, "aarch64", {"netc_m_s3_pw"});
    ASSERT_EQ(stages.size(), 1u);
    const StageLoops &s = stages[0];
    ASSERT_EQ(s.multiply_loops.size(), 2u);
    const LoopStats &conv = s.multiply_loops[0], &dw = s.multiply_loops[1];
    EXPECT_EQ(conv.begin, 0x20u);
    EXPECT_TRUE(conv.broadcasts);
    EXPECT_EQ(conv.fma_lanes, 8);
    EXPECT_EQ(conv.spills, 1);  // [sp, #16], not the reads through x3
    EXPECT_EQ(dw.begin, 0x8u);
    EXPECT_FALSE(dw.broadcasts);
    EXPECT_EQ(dw.spills, 0);  // the store into the stack buffer through x3
    EXPECT_EQ(s.hot.begin, conv.begin);
}

// Halide's AArch64 code omits the frame pointer: x29 is then one more data pointer (an input
// row here) and reading through it is not a spill. Once "mov x29, sp" makes it the frame
// pointer, [x29, #imm] is a stack slot again.
const char *kX29 =
    "\n"
    "Disassembly of section .text.netc_m_s4_pw:\n"
    "\n"
    "0000000000000000 <netc_m_s4_pw>:\n"
    "       0:      \tstp\tx29, x30, [sp, #-16]!\n"
    "       4:      \tsxtw\tx29, w12\n"
    "       8:      \tldr\ts25, [x29, x14]\n"
    "       c:      \tfmla\tv3.4s, v20.4s, v25.s[0]\n"
    "      10:      \tadd\tx14, x14, #4\n"
    "      14:      \tb.ne\t0x8 <netc_m_s4_pw+0x8>\n"
    "      18:      \tmov\tx29, sp\n"
    "      1c:      \tldr\tq5, [x29, #16]\n"
    "      20:      \tfmla\tv4.4s, v5.4s, v25.s[0]\n"
    "      24:      \tsubs\tx9, x9, #1\n"
    "      28:      \tb.ne\t0x1c <netc_m_s4_pw+0x1c>\n"
    "      2c:      \tret\n";

TEST(HotLoops, X29IsAStackRegisterOnlyWhenSetFromSp) {
    const auto s = find_hot_loops_in_disassembly(kX29, "aarch64", {"netc_m_s4_pw"})[0];
    ASSERT_EQ(s.multiply_loops.size(), 2u);
    for (const LoopStats &l : s.multiply_loops) EXPECT_EQ(l.spills, l.begin == 0x1c ? 1 : 0) << std::hex << l.begin;
}

}  // namespace
}  // namespace netc
