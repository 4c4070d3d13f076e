// Stage planning: which boundaries a schedule fuses, what the memory plan then keeps out of
// memory, and the errors for per-layer choices that cannot be honoured.
#include <gtest/gtest.h>

#include "lower/memory_plan.h"
#include "passes/passes.h"
#include "schedule/plan_stages.h"
#include "spec/load_model.h"
#include "spec/diagnostic.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {
namespace {

Graph optimized(const std::string &layers, const std::string &outputs) {
    const std::string text = R"({"netc": 1, "name": "m", "input": {"shape": [8, 8, 16]}, "weights": {"init": "random", "seed": 1},
                                "layers": [)" + layers + R"(], "outputs": [)" + outputs + "]}";
    return optimize(bind_weights(infer_shapes(expand_composites(parse_spec_text(text, "m.json")))));
}

// "a | b + c | d": stages in order, the layers of each joined by " + ".
std::string stages_of(const Graph &g, const StagePlan &p) {
    std::string out;
    for (const StageGroup &s : p.stages) {
        if (!out.empty()) out += " | ";
        for (size_t k = 0; k < s.layers.size(); k++) out += (k ? " + " : "") + g.layers[size_t(s.layers[k])].name;
    }
    return out;
}

ScheduleParams mode(FusionMode m) {
    ScheduleParams p;
    p.fusion = m;
    p.source = "test.json";
    return p;
}

// The message plan_stages fails with ("" if it does not).
std::string plan_error(const Graph &g, const TargetInfo &t, const ScheduleParams &p) {
    try {
        plan_stages(g, t, p);
    } catch (const CompileError &e) {
        return e.what();
    }
    return "";
}

const TargetInfo &avx512() {
    static const TargetInfo t = resolve_target("x86-64-avx512");
    return t;
}

const char *kBlocks = R"({"name": "s", "op": "separable_conv", "filters": 16},
                         {"name": "ir", "op": "inverted_residual", "expansion": 4, "filters": 16, "se_channels": 8},
                         {"name": "act", "op": "relu"},
                         {"name": "x", "op": "separable_conv", "filters": 16, "normalize_depthwise": false})";

TEST(PlanStages, FusesEachKindOfBoundary) {
    const Graph g = optimized(kBlocks, R"("x")");
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::All))),
              // depthwise → pointwise per tile; the SE scale → project per tile, the residual add as
              // the project's epilogue; Xception's relu inlined into the depthwise feeding x_pw.
              // ir_dw is read twice (SE pool and scale), so it stays in memory.
              "s_dw + s_pw | ir_expand | ir_dw | ir_se_pool | ir_se_reduce | ir_se_expand | ir_se_scale + ir_project + ir_add | "
              "act + x_dw + x_pw");
    EXPECT_EQ(fusion_kind(g, 1), FusionKind::Tile);
}

const char *kInvertedResidual = R"({"name": "ir", "op": "inverted_residual", "expansion": 4, "filters": 16})";

TEST(PlanStages, ExpandConvFusedRowByRowOnlyWhenAskedAndWithItsDepthwise) {
    const Graph g = optimized(kInvertedResidual, R"("ir")");
    // expand > depthwise > project > add: Rows, Tile, Epilogue.
    EXPECT_EQ(fusion_kind(g, 1), FusionKind::Rows);
    EXPECT_EQ(fusion_kind(g, 2), FusionKind::Tile);
    // Auto leaves the expand conv apart (its recomputed rows are measured by netc tune)...
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::Auto))), "ir_expand | ir_dw + ir_project + ir_add");
    // ... All and a per-layer choice fuse it: two convolutions in one stage.
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::All))), "ir_expand + ir_dw + ir_project + ir_add");
    ScheduleParams p = mode(FusionMode::Auto);
    p.fuse_layers["ir_expand"] = true;
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)), "ir_expand + ir_dw + ir_project + ir_add");
    // Not without the depthwise conv fused into the project conv.
    p.fuse_layers["ir_dw"] = false;
    EXPECT_NE(plan_error(g, avx512(), p).find("field 'fusion.layers': its depthwise conv is kept apart"), std::string::npos)
        << plan_error(g, avx512(), p);
    EXPECT_EQ(fusion_blocker(g, avx512(), p, 1), "its depthwise conv is kept apart from the conv after it; fuse that first");
    // Nor when the project conv keeps its channel blocks outermost (two blocks of 32 here).
    const Graph wide = optimized(R"({"name": "ir", "op": "inverted_residual", "expansion": 4, "filters": 64})", R"("ir")");
    p = mode(FusionMode::All);
    EXPECT_EQ(stages_of(wide, plan_stages(wide, avx512(), p)), "ir_expand + ir_dw + ir_project");
    p.cache_fraction = 1e-6;
    EXPECT_EQ(stages_of(wide, plan_stages(wide, avx512(), p)), "ir_expand | ir_dw + ir_project");
    EXPECT_NE(fusion_blocker(wide, avx512(), p, 1).find("channel blocks outermost"), std::string::npos) << fusion_blocker(wide, avx512(), p, 1);
}

TEST(PlanStages, ExpandConvNotFusedIntoADepthwiseConvEndingTheStage) {
    // The depthwise conv is the output: nothing to fuse the pair into.
    const Graph g = optimized(R"({"name": "e", "op": "conv2d", "filters": 32, "kernel": 1},
                                 {"name": "d", "op": "depthwise_conv2d", "kernel": 3, "padding": "same"})",
                              R"("d")");
    EXPECT_EQ(fusion_kind(g, 1), FusionKind::Rows);
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::All))), "e | d");
    EXPECT_NE(fusion_blocker(g, avx512(), mode(FusionMode::All), 1).find("does not feed a pointwise conv"), std::string::npos);
}

TEST(PlanStages, AConvFeedingAConvStaysApart) {
    // Two pointwise convs, or a conv reading the fused expand's stage output: never one stage.
    const Graph g = optimized(R"({"name": "a", "op": "conv2d", "filters": 8, "kernel": 1},
                                 {"name": "b", "op": "conv2d", "filters": 8, "kernel": 1})",
                              R"("b")");
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::All))), "a | b");
}

TEST(PlanStages, NoneKeepsEveryLayerAStage) {
    const Graph g = optimized(kBlocks, R"("x")");
    const StagePlan p = plan_stages(g, avx512(), mode(FusionMode::None));
    EXPECT_EQ(p.stages.size(), g.layers.size() - 1);
    EXPECT_EQ(stages_of(g, p), stages_of(g, unfused_stages(g)));
}

TEST(PlanStages, PerLayerChoiceOverridesTheMode) {
    const Graph g = optimized(kBlocks, R"("x")");
    ScheduleParams p = mode(FusionMode::All);
    p.fuse_layers["s_dw"] = false;
    p.fuse_layers["ir_project"] = false;
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)).substr(0, 60), "s_dw | s_pw | ir_expand | ir_dw | ir_se_pool | ir_se_reduce ");
    ScheduleParams none = mode(FusionMode::None);
    none.fuse_layers["act"] = true;
    EXPECT_NE(stages_of(g, plan_stages(g, avx512(), none)).find("| act + x_dw | x_pw"), std::string::npos);
}

TEST(PlanStages, AutoLeavesAProducerOutWhenTheConvKeepsChannelBlocksOutermost) {
    const Graph g = optimized(R"({"name": "s", "op": "separable_conv", "filters": 64})", R"("s")");
    ScheduleParams p = mode(FusionMode::Auto);
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)), "s_dw + s_pw");
    p.cache_fraction = 1e-6;  // every conv's weights "overflow" the cache: blocks outermost
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)), "s_dw | s_pw");
    p.fusion = FusionMode::All;  // asked for, it is fused anyway (and recomputed per block)
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)), "s_dw + s_pw");
}

TEST(PlanStages, OutputsAndSharedTensorsStayInMemory) {
    // s_dw is an output; t_dw is read by t_pw and by the add.
    const Graph g = optimized(R"({"name": "s_dw", "op": "depthwise_conv2d", "kernel": 3, "padding": "same"},
                                 {"name": "s_pw", "op": "conv2d", "filters": 16, "kernel": 1},
                                 {"name": "t_dw", "op": "depthwise_conv2d", "kernel": 3, "padding": "same"},
                                 {"name": "t_pw", "op": "conv2d", "filters": 16, "kernel": 1},
                                 {"name": "sum", "op": "add", "inputs": ["t_pw", "t_dw"]})",
                              R"("sum", "s_dw")");
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), mode(FusionMode::All))), "s_dw | s_pw | t_dw | t_pw + sum");
}

TEST(PlanStages, FusedLayersGetNoMemoryAndInStageReadersNoHalo) {
    const Graph g = optimized(R"({"name": "act", "op": "relu"},
                                 {"name": "x", "op": "separable_conv", "filters": 16, "normalize_depthwise": false})",
                              R"("x")");
    const StagePlan stages = plan_stages(g, avx512(), mode(FusionMode::All));
    ASSERT_EQ(stages_of(g, stages), "act + x_dw + x_pw");
    const MemoryPlan m = plan_memory(g, stages);
    const TensorPlan &act = m.tensors[1], &dw = m.tensors[2], &pw = m.tensors[3];
    EXPECT_FALSE(act.materialized);
    EXPECT_FALSE(dw.materialized);
    EXPECT_TRUE(pw.materialized);
    // x_dw pads act by 1, but reads it inside the stage (a boundary condition, not a halo);
    // nothing reads the input with padding from another stage.
    EXPECT_EQ(act.pad_top + act.pad_left + m.tensors[0].pad_top, 0);
    EXPECT_EQ(m.arena_bytes, 2 * 8 * 8 * 16 * 4);  // the input and x_pw only
    // Unfused, x_dw reads act from memory: act gets the halo.
    const MemoryPlan unfused = plan_memory(g, unfused_stages(g));
    EXPECT_EQ(unfused.tensors[1].pad_top, 1);
}

TEST(PlanStages, AProducerTooBigForTheCacheIsNotFused) {
    // 20000 channels: a row or a register tile of them (8 px) is 625 KiB, over half of the
    // 1 MiB L2: fused, it would not stay in cache.
    const Graph g = optimized(R"({"name": "wide", "op": "conv2d", "filters": 20000, "kernel": 1},
                                 {"name": "s", "op": "separable_conv", "filters": 16})",
                              R"("s")");
    ScheduleParams p = mode(FusionMode::All);
    EXPECT_EQ(stages_of(g, plan_stages(g, avx512(), p)), "wide | s_dw | s_pw");
    p.fuse_layers["s_dw"] = true;
    EXPECT_NE(plan_error(g, avx512(), p).find("half of L2 (512 KiB)"), std::string::npos) << plan_error(g, avx512(), p);
}

TEST(PlanStages, ChoicesThatCannotBeHonouredAreErrorsNamingFileAndLayer) {
    const Graph g = optimized(kBlocks, R"("x")");
    ScheduleParams p = mode(FusionMode::Auto);
    p.fuse_layers["no_such_layer"] = true;
    const std::string unknown = plan_error(g, avx512(), p);
    EXPECT_NE(unknown.find("test.json"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("no_such_layer"), std::string::npos) << unknown;
    p.fuse_layers.clear();
    p.fuse_layers["ir_expand"] = true;  // expand → depthwise is not a boundary netc fuses
    const std::string unfusable = plan_error(g, avx512(), p);
    EXPECT_NE(unfusable.find("ir_expand"), std::string::npos) << unfusable;
    EXPECT_NE(unfusable.find("fusion.layers"), std::string::npos) << unfusable;
}

}  // namespace
}  // namespace netc
