// The memory plan: halos as wide as the widest padded reader, and tensors sharing memory
// exactly when their lifetimes do not overlap. Sizes are worked out by hand in the comments.
#include <gtest/gtest.h>

#include "lower/memory_plan.h"
#include "passes/passes.h"
#include "spec/parse_spec.h"

namespace netc {
namespace {

Graph shapes(const std::string &layers, const std::string &outputs) {
    const std::string text = R"({"netc": 1, "name": "m", "input": {"shape": [8, 8, 4]}, "weights": {"init": "random", "seed": 1},
                                "layers": [)" + layers + R"(], "outputs": [)" + outputs + "]}";
    return infer_shapes(expand_composites(parse_spec_text(text, "m.json")));
}

bool overlap(const TensorPlan &a, const TensorPlan &b) {
    return a.offset < b.offset + b.bytes() && b.offset < a.offset + a.bytes();
}

TEST(MemoryPlan, ChainReusesMemoryAndClearsSharedHalos) {
    // input → a (1x1) → b (3x3 same: a gets a 1-pixel halo) → c (1x1) → d (1x1), all 8x8x4.
    // a's halo: 10x10x4 floats = 1600 bytes; the others 8x8x4 = 1024 bytes.
    const Graph g = shapes(R"({"name": "a", "op": "conv2d", "filters": 4, "kernel": 1},
                              {"name": "b", "op": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
                              {"name": "c", "op": "conv2d", "filters": 4, "kernel": 1},
                              {"name": "d", "op": "conv2d", "filters": 4, "kernel": 1})",
                           R"("d")");
    const MemoryPlan p = plan_memory(g, unfused_stages(g));
    ASSERT_EQ(p.tensors.size(), 5u);
    const TensorPlan &in = p.tensors[0], &a = p.tensors[1], &b = p.tensors[2], &c = p.tensors[3], &d = p.tensors[4];
    EXPECT_EQ(a.pad_top, 1);
    EXPECT_EQ(a.pad_right, 1);
    EXPECT_EQ(a.bytes(), 1600);
    // Each tensor is alive with its reader only: neighbours never share, others may.
    EXPECT_FALSE(overlap(in, a));
    EXPECT_FALSE(overlap(a, b));
    EXPECT_FALSE(overlap(b, c));
    EXPECT_FALSE(overlap(c, d));
    EXPECT_TRUE(overlap(in, b));  // the input is dead once a is computed: b reuses its memory
    EXPECT_TRUE(overlap(a, c));
    EXPECT_TRUE(a.clear_halo);    // a's halo lies in memory c also uses
    EXPECT_FALSE(b.clear_halo);   // no halo to clear
    // Two slots: max(input, b, d) = 1024 and max(a, c) = 1600 (1600 is 64-aligned).
    EXPECT_EQ(p.arena_bytes, 1024 + 1600);
    EXPECT_EQ(p.unshared_bytes, 4 * 1024 + 1600);
}

TEST(MemoryPlan, LargeTensorsArePlacedFirst) {
    // in (8x8x4, 1 KiB) → a (8x8x4) → b (8x8x16, 4 KiB) → c (8x8x4). In stage order, first fit
    // puts in at 0, a at 1 KiB, b after a at 2 KiB (it does not fit in in's 1 KiB) and c at 0:
    // 6 KiB. Largest first: b at 0, in at 0 (never alive with b), a at 4 KiB (alive with both),
    // c at 4 KiB (alive with b only): 5 KiB, what a and b need together.
    const Graph g = shapes(R"({"name": "a", "op": "conv2d", "filters": 4, "kernel": 1},
                              {"name": "b", "op": "conv2d", "filters": 16, "kernel": 1},
                              {"name": "c", "op": "conv2d", "filters": 4, "kernel": 1})",
                           R"("c")");
    const MemoryPlan p = plan_memory(g, unfused_stages(g));
    EXPECT_EQ(p.tensors[2].offset, 0);  // b, the largest, first
    EXPECT_FALSE(overlap(p.tensors[1], p.tensors[2]));
    EXPECT_FALSE(overlap(p.tensors[2], p.tensors[3]));
    EXPECT_EQ(p.tensors[0].offset, 0);
    EXPECT_EQ(p.arena_bytes, 4096 + 1024);
}

TEST(MemoryPlan, OutputsLiveToTheEndAndBranchesStayApart) {
    // A residual block: x = conv(input); y = conv(x); z = add(x, y); an output in the middle.
    const Graph g = shapes(R"({"name": "x", "op": "conv2d", "filters": 4, "kernel": 1},
                              {"name": "y", "op": "conv2d", "filters": 4, "kernel": 1},
                              {"name": "z", "op": "add", "inputs": ["x", "y"]},
                              {"name": "w", "op": "conv2d", "filters": 4, "kernel": 1})",
                           R"("w", "y")");
    const MemoryPlan p = plan_memory(g, unfused_stages(g));
    const TensorPlan &x = p.tensors[1], &y = p.tensors[2], &z = p.tensors[3], &w = p.tensors[4];
    EXPECT_FALSE(overlap(x, y));  // x is still needed by z when y is written
    EXPECT_FALSE(overlap(x, z));
    EXPECT_FALSE(overlap(y, z));
    EXPECT_FALSE(overlap(y, w));  // y is an output: alive until the end
    EXPECT_TRUE(overlap(x, w));   // x is dead after z
}

}  // namespace
}  // namespace netc
