// Each op's Halide lowering (with the default schedule, for the host's target; the sweeps
// also for AVX2 and SSE4.1) against the reference interpreter, through Halide's JIT: no AOT,
// no runtime library.
//
// A case is a tiny spec (the input and one to three layers) with seeded random weights and
// a seeded random input. The unfused graph runs in the reference interpreter; the optimised
// graph (BatchNorm folded, activations fused) is planned and every stage is lowered and
// JIT-compiled in order, each tensor living in its own zero-filled buffer with the halo of
// the memory plan, exactly as the generated code sees the arena. Shapes are drawn from a
// std::mt19937 with a fixed seed per case, so a failure reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Halide.h"
#include "exec/run_jit.h"
#include "ir/graph.h"
#include "lower/lower_stage.h"
#include "lower/memory_plan.h"
#include "passes/passes.h"
#include "reference/reference.h"
#include "schedule/default_schedule.h"
#include "target/target.h"
#include "spec/load_model.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {
namespace {

using json = nlohmann::json;

// Every case runs on the host's target; the sweeps at the end also run the narrower x86
// targets (8 and 4 floats per vector), whose code the host can execute too.
TargetInfo target_info(const std::string &name) { return resolve_target(name); }

// Shapes from a fixed seed. Plain modulo rather than std::uniform_int_distribution, whose
// output is implementation-defined: the same seed gives the same shapes with any library.
struct Shapes {
    explicit Shapes(uint32_t seed) : rng(seed) {}
    std::mt19937 rng;
    int between(int lo, int hi) { return lo + int(rng() % uint32_t(hi - lo + 1)); }
    int odd(int lo, int hi) { return between(lo, hi) | 1; }      // lo, hi odd
    int even(int lo, int hi) { return between(lo, hi) & ~1; }    // lo, hi even
};

std::string spec_text(const Shape &in, const json &layers, const std::string &output, uint64_t seed) {
    json s;
    s["netc"] = 1;
    s["name"] = "lowering_case";
    s["input"] = {{"shape", {in.h, in.w, in.c}}};
    s["weights"] = {{"init", "random"}, {"seed", seed}};
    s["layers"] = layers;
    s["outputs"] = {output};
    return s.dump();
}

std::string padding_string(const Padding &p) {
    const char *mode = p.mode == Padding::Same ? "same" : p.mode == Padding::Valid ? "valid" : "explicit";
    return std::string(mode) + " [" + std::to_string(p.top) + "," + std::to_string(p.left) + "," + std::to_string(p.bottom) +
           "," + std::to_string(p.right) + "]";
}

// What the optimised graph and its plan look like, for failure messages.
std::string describe(const Graph &opt, const StagePlan &stages, const MemoryPlan &plan) {
    std::ostringstream os;
    for (size_t i = 0; i < opt.layers.size(); i++) {
        const Layer &l = opt.layers[i];
        const TensorPlan &t = plan.tensors[i];
        os << "  [" << i << "] stage " << stages.stage_of[i] << (plan.tensors[i].materialized ? "" : " (fused)") << " " << l.name << " "
           << op_name(l.op) << " out " << to_string(l.out);
        if (l.op == OpKind::Conv2D || l.op == OpKind::DepthwiseConv2D || l.op == OpKind::AvgPool)
            os << " k " << l.kernel_h << "x" << l.kernel_w << " s " << l.stride_h << "x" << l.stride_w << " d " << l.dilation_h
               << "x" << l.dilation_w << " pad " << padding_string(l.padding);
        if (l.op == OpKind::Conv2D) os << " groups " << l.groups;
        if (l.op == OpKind::DepthwiseConv2D) os << " mult " << l.multiplier;
        if (l.op != OpKind::Input) os << " act " << activation_name(l.activation) << " bias " << l.bias;
        os << " | halo t" << t.pad_top << " l" << t.pad_left << " b" << t.pad_bottom << " r" << t.pad_right << "\n";
    }
    return os.str();
}

// Runs every stage with the JIT (exec/run_jit); returns the first output. A stage that
// writes the zero halo other stages read as padding is a failure.
std::vector<float> run_lowered(const Graph &opt, const StagePlan &stages, const MemoryPlan &plan, const std::vector<float> &input,
                               const TargetInfo &target, const ScheduleParams &params) {
    JitRun r = run_jit(opt, stages, plan, input, target, params);
    for (const std::string &t : r.written_halos) ADD_FAILURE() << "tensor " << t << ": the halo was written";
    return r.outputs.at(0);
}

// The longest reduction any stage performs (terms summed per output value).
int64_t longest_reduction(const Graph &opt) {
    int64_t n = 1;
    for (size_t i = 1; i < opt.layers.size(); i++) {
        const Layer &l = opt.layers[i];
        const Shape in = opt.layers[size_t(l.inputs[0])].out;
        int64_t r = 1;
        switch (l.op) {
        case OpKind::Conv2D: r = int64_t(in.c / l.groups) * l.kernel_h * l.kernel_w; break;
        case OpKind::DepthwiseConv2D:
        case OpKind::AvgPool: r = int64_t(l.kernel_h) * l.kernel_w; break;
        case OpKind::GlobalAvgPool: r = int64_t(in.h) * in.w; break;
        case OpKind::Dense: r = in.elements(); break;
        case OpKind::Softmax: r = in.c; break;
        default: break;
        }
        n = std::max(n, r);
    }
    return n;
}

struct Options {
    float input_range = 1.0f;  // the input is uniform in [-range, range]
    double tolerance = 0;      // 0: 1e-5, or 1e-4 when some stage sums more than 64 terms
    std::string target = "host";
    ScheduleParams schedule;   // the schedule templates' knobs (schedules/*.json)
    int min_fused = 0;         // at least this many layers must be computed inside a later layer's stage
};

// The whole check for one case. `layers` is the spec's layer array; the layer named `output`
// (the spec's only output) is compared, to max|got - ref| / max|ref| <= tolerance.
void check_case(const Shape &in, const json &layers, const std::string &output, uint64_t seed, Options opts = {}) {
    const std::string text = spec_text(in, layers, output, seed);
    SCOPED_TRACE("target " + opts.target + ", spec: " + text);
    try {
        const Graph g = bind_weights(infer_shapes(expand_composites(parse_spec_text(text, "case.json"))));

        std::mt19937 rng(uint32_t(seed * 7919 + 17));
        std::vector<float> input(size_t(in.elements()));
        for (float &v : input) v = opts.input_range * (float(rng() >> 8) * (2.0f / 16777216.0f) - 1.0f);

        const std::vector<float> want = run_reference(g, input).at(0);
        const Graph opt = optimize(g);
        const TargetInfo target = target_info(opts.target);
        const StagePlan stages = plan_stages(opt, target, opts.schedule);
        const MemoryPlan plan = plan_memory(opt, stages);
        const std::string where = describe(opt, stages, plan);
        SCOPED_TRACE("optimised graph:\n" + where);
        int fused = 0;
        for (const TensorPlan &t : plan.tensors) fused += !t.materialized;
        EXPECT_GE(fused, opts.min_fused) << "the stage plan fused fewer layers than the case is about";
        const std::vector<float> got = run_lowered(opt, stages, plan, input, target, opts.schedule);
        ASSERT_EQ(got.size(), want.size());

        const Shape s = opt.layers[size_t(opt.outputs.at(0))].out;
        double max_ref = 0, max_diff = 0;
        size_t worst = 0;
        bool nan = false;
        for (size_t i = 0; i < want.size(); i++) {
            max_ref = std::max(max_ref, std::fabs(double(want[i])));
            double d = std::fabs(double(got[i]) - double(want[i]));
            if (std::isnan(d)) nan = true;
            if (d > max_diff || std::isnan(d)) max_diff = d, worst = i;
        }
        const double tol = opts.tolerance > 0 ? opts.tolerance : longest_reduction(opt) > 64 ? 1e-4 : 1e-5;
        const double rel = max_ref > 0 ? max_diff / max_ref : max_diff;
        const int wc = int(worst % size_t(s.c)), wx = int(worst / size_t(s.c) % size_t(s.w)), wy = int(worst / size_t(s.c) / size_t(s.w));
        EXPECT_FALSE(nan) << "NaN in the output at (y " << wy << ", x " << wx << ", c " << wc << ")";
        EXPECT_LE(rel, tol) << "output " << to_string(s) << ": max |got - ref| = " << max_diff << " (relative " << rel
                            << ", max |ref| " << max_ref << "), worst at (y " << wy << ", x " << wx << ", c " << wc
                            << "): got " << got[worst] << ", ref " << want[worst];
        // A lowering that writes nothing (or zeros) would pass against an all-zero reference.
        EXPECT_GT(max_ref, 0.0) << "degenerate case: the reference output is all zeros";
    } catch (const std::exception &e) {
        ADD_FAILURE() << "exception: " << e.what();
    }
}

json conv(const std::string &name, int filters, json kernel, json stride, json padding, json extra = json::object()) {
    json l = {{"name", name}, {"op", "conv2d"}, {"filters", filters}, {"kernel", kernel}, {"stride", stride}, {"padding", padding}};
    for (auto it = extra.begin(); it != extra.end(); ++it) l[it.key()] = it.value();
    return l;
}

json depthwise(const std::string &name, json kernel, json stride, json padding, json extra = json::object()) {
    json l = {{"name", name}, {"op", "depthwise_conv2d"}, {"kernel", kernel}, {"stride", stride}, {"padding", padding}};
    for (auto it = extra.begin(); it != extra.end(); ++it) l[it.key()] = it.value();
    return l;
}

json simple(const std::string &name, const std::string &op) { return {{"name", name}, {"op", op}}; }

// ---------------------------------------------------------------------------------------
// conv2d 1x1

TEST(LoweringConv, Pointwise3To8) {
    Shapes r(101);
    Shape in{r.between(5, 12), r.between(5, 12), 3};
    check_case(in, json::array({conv("conv", 8, 1, 1, "valid")}), "conv", 1);
}

TEST(LoweringConv, Pointwise17To33) {
    Shapes r(102);
    Shape in{r.between(3, 9), r.between(3, 9), 17};
    check_case(in, json::array({conv("conv", 33, 1, 1, "valid")}), "conv", 2);
}

TEST(LoweringConv, Pointwise64To40WithRelu6) {
    Shapes r(103);
    Shape in{r.between(3, 8), r.between(3, 8), 64};
    check_case(in, json::array({conv("conv", 40, 1, 1, "valid"), simple("act", "relu6")}), "act", 3, {4.0f});
}

TEST(LoweringConv, PointwiseNoBiasTo5Channels) {
    Shapes r(104);
    Shape in{r.between(2, 7), r.between(2, 7), r.between(2, 9)};
    check_case(in, json::array({conv("conv", 5, 1, 1, "valid", {{"bias", false}})}), "conv", 4);
}

// ---------------------------------------------------------------------------------------
// conv2d 3x3 and friends

TEST(LoweringConv, K3Stride1SameOdd) {
    Shapes r(111);
    Shape in{r.odd(5, 15), r.odd(5, 15), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(4, 20), 3, 1, "same"), simple("act", "relu6")}), "act", 11, {3.0f});
}

TEST(LoweringConv, K3Stride1SameEven) {
    Shapes r(112);
    Shape in{r.even(4, 14), r.even(4, 14), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(4, 20), 3, 1, "same"), simple("act", "relu")}), "act", 12);
}

TEST(LoweringConv, K3Stride2SameOdd) {
    Shapes r(113);
    Shape in{r.odd(5, 17), r.odd(5, 17), 3};
    check_case(in, json::array({conv("conv", 16, 3, 2, "same", {{"bias", false}}), simple("act", "relu6")}), "act", 13,
               {3.0f});
}

TEST(LoweringConv, K3Stride2SameEven) {
    Shapes r(114);
    Shape in{r.even(4, 16), r.even(4, 16), r.between(3, 12)};
    check_case(in, json::array({conv("conv", r.between(8, 24), 3, 2, "same")}), "conv", 14);
}

TEST(LoweringConv, K3Stride1Valid) {
    Shapes r(115);
    Shape in{r.between(3, 12), r.between(3, 12), r.between(1, 10)};
    check_case(in, json::array({conv("conv", r.between(1, 18), 3, 1, "valid")}), "conv", 15);
}

TEST(LoweringConv, K3Stride2ValidEven) {
    Shapes r(116);
    Shape in{r.even(4, 14), r.even(4, 14), r.between(2, 9)};
    check_case(in, json::array({conv("conv", r.between(6, 18), 3, 2, "valid")}), "conv", 16);
}

TEST(LoweringConv, K3ExplicitAsymmetricPads) {
    Shapes r(117);
    Shape in{r.between(4, 11), r.between(4, 11), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(5, 17), 3, 1, json::array({1, 0, 2, 1}))}), "conv", 17);
}

TEST(LoweringConv, K3ExplicitAsymmetricPadsStride2) {
    Shapes r(118);
    Shape in{r.odd(5, 13), r.even(4, 12), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(8, 16), 3, 2, json::array({1, 0, 2, 1}))}), "conv", 18);
}

TEST(LoweringConv, K3Dilation2Same) {
    Shapes r(119);
    Shape in{r.between(6, 13), r.between(6, 13), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(4, 16), 3, 1, "same", {{"dilation", 2}})}), "conv", 19);
}

TEST(LoweringConv, K3Dilation2Valid) {
    Shapes r(120);
    Shape in{r.between(6, 13), r.between(6, 13), r.between(2, 8)};
    check_case(in, json::array({conv("conv", r.between(4, 16), 3, 1, "valid", {{"dilation", json::array({2, 1})}})}), "conv",
               20);
}

TEST(LoweringConv, K3Groups2) {
    Shapes r(121);
    Shape in{r.between(4, 10), r.between(4, 10), 2 * r.between(1, 6)};
    check_case(in, json::array({conv("conv", 2 * r.between(2, 10), 3, 1, "same", {{"groups", 2}})}), "conv", 21);
}

TEST(LoweringConv, K3Groups4Stride2) {
    Shapes r(122);
    Shape in{r.between(5, 12), r.between(5, 12), 4 * r.between(1, 4)};
    check_case(in, json::array({conv("conv", 4 * r.between(1, 6), 3, 2, "same", {{"groups", 4}}), simple("act", "relu")}),
               "act", 22);
}

TEST(LoweringConv, Pointwise1x1Groups4) {
    Shapes r(123);
    Shape in{r.between(3, 8), r.between(3, 8), 16};
    check_case(in, json::array({conv("conv", 32, 1, 1, "valid", {{"groups", 4}})}), "conv", 23);
}

TEST(LoweringConv, Kernel5x3Same) {
    Shapes r(124);
    Shape in{r.between(5, 12), r.between(4, 12), r.between(2, 6)};
    check_case(in, json::array({conv("conv", r.between(3, 12), json::array({5, 3}), 1, "same")}), "conv", 24);
}

TEST(LoweringConv, Kernel5x3Stride2x1Valid) {
    Shapes r(125);
    Shape in{r.between(6, 12), r.between(4, 12), r.between(2, 6)};
    check_case(in, json::array({conv("conv", r.between(3, 12), json::array({5, 3}), json::array({2, 1}), "valid")}), "conv",
               25);
}

TEST(LoweringConv, TinyOutput1x1x1) {
    // 3x3 valid on a 3x3 input: one output pixel, one output channel.
    check_case(Shape{3, 3, 5}, json::array({conv("conv", 1, 3, 1, "valid")}), "conv", 26);
}

TEST(LoweringConv, TinyInput1x1Same) {
    // A 1x1 input padded to 3x3 by 'same'; 2 output channels (scalar code).
    check_case(Shape{1, 1, 7}, json::array({conv("conv", 2, 3, 1, "same")}), "conv", 27);
}

TEST(LoweringConv, TinyStride2SameOn2x2) {
    check_case(Shape{2, 2, 3}, json::array({conv("conv", 1, 3, 2, "same"), simple("act", "relu6")}), "act", 28, {4.0f});
}

TEST(LoweringConv, WideRowScalarChannels) {
    // More pixels per row than one register tile; 3 output channels (no vectors).
    Shapes r(129);
    Shape in{r.between(2, 4), r.between(20, 40), 4};
    check_case(in, json::array({conv("conv", 3, 3, 1, "same")}), "conv", 29);
}

TEST(LoweringConv, BatchnormRelu6FoldedAndFused) {
    Shapes r(130);
    Shape in{r.between(5, 12), r.between(5, 12), r.between(3, 8)};
    json layers = json::array({conv("conv", r.between(8, 24), 3, 1, "same", {{"bias", false}}),
                               {{"name", "bn"}, {"op", "batchnorm"}, {"epsilon", 0.001}}, simple("act", "relu6")});
    check_case(in, layers, "act", 30, {3.0f});
}

TEST(LoweringConv, BiasBatchnormStride2Folded) {
    Shapes r(131);
    Shape in{r.odd(5, 13), r.even(4, 12), r.between(3, 8)};
    json layers = json::array({conv("conv", r.between(8, 24), 3, 2, "same"), simple("bn", "batchnorm")});
    check_case(in, layers, "bn", 31);
}

TEST(LoweringConv, ConvIntoPaddedDepthwise) {
    // The conv's output tensor carries a halo for the depthwise that reads it, so the
    // conv writes into a buffer whose row stride is wider than its own output.
    Shapes r(132);
    Shape in{r.between(5, 11), r.between(5, 11), 3};
    json layers = json::array({conv("conv", r.between(8, 20), 3, 2, "same", {{"activation", "relu6"}}),
                               depthwise("dw", 3, 1, "same", {{"activation", "relu"}})});
    check_case(in, layers, "dw", 32, {3.0f});
}

// Wide layers whose channel count is not a multiple of 32 (Xception's 728): weights in
// zero-padded blocks of 32, the last channel block guarded. 1x1 and 3x3, 1 and 2 channel
// vectors per block, and a residual add in the same stage.
TEST(LoweringConv, WideChannelsInPaddedBlocks) {
    Shape in{7, 9, 20};
    json layers = json::array({conv("wide", 264, 1, 1, "valid", {{"activation", "relu"}}),
                               conv("wide3", 300, 3, 1, "same", {{"bias", true}}),
                               conv("back", 300, 1, 1, "valid"),
                               {{"name", "sum"}, {"op", "add"}, {"inputs", {"back", "wide3"}}}});
    check_case(in, layers, "sum", 33, {1.0f});
    Options one_vector;
    one_vector.input_range = 1.0f;
    one_vector.schedule.conv_vectors_per_block = 1;
    check_case(in, layers, "sum", 34, one_vector);
}

// ---------------------------------------------------------------------------------------
// depthwise_conv2d

TEST(LoweringDepthwise, K3Stride1SameOdd3Channels) {
    Shapes r(201);
    Shape in{r.odd(5, 15), r.odd(5, 15), 3};
    check_case(in, json::array({depthwise("dw", 3, 1, "same")}), "dw", 101);
}

TEST(LoweringDepthwise, K3Stride1SameEven13Channels) {
    Shapes r(202);
    Shape in{r.even(4, 14), r.even(4, 14), 13};
    check_case(in, json::array({depthwise("dw", 3, 1, "same"), simple("act", "relu6")}), "act", 102, {4.0f});
}

TEST(LoweringDepthwise, K3Stride2SameOdd40Channels) {
    Shapes r(203);
    Shape in{r.odd(5, 15), r.odd(5, 15), 40};
    check_case(in, json::array({depthwise("dw", 3, 2, "same")}), "dw", 103);
}

TEST(LoweringDepthwise, K3Stride2SameEven13Channels) {
    Shapes r(204);
    Shape in{r.even(4, 16), r.even(4, 16), 13};
    check_case(in, json::array({depthwise("dw", 3, 2, "same", {{"bias", false}}), simple("act", "relu")}), "act", 104);
}

TEST(LoweringDepthwise, K3Stride1ValidOdd) {
    Shapes r(205);
    Shape in{r.odd(3, 13), r.odd(3, 13), r.between(3, 20)};
    check_case(in, json::array({depthwise("dw", 3, 1, "valid")}), "dw", 105);
}

TEST(LoweringDepthwise, K3Stride2ValidEven) {
    Shapes r(206);
    Shape in{r.even(4, 14), r.even(4, 14), r.between(3, 20)};
    check_case(in, json::array({depthwise("dw", 3, 2, "valid")}), "dw", 106);
}

TEST(LoweringDepthwise, K3ExplicitAsymmetricPads) {
    Shapes r(207);
    Shape in{r.between(4, 11), r.between(4, 11), 13};
    check_case(in, json::array({depthwise("dw", 3, 1, json::array({1, 0, 2, 1}))}), "dw", 107);
}

TEST(LoweringDepthwise, K3ExplicitAsymmetricPadsStride2) {
    Shapes r(208);
    Shape in{r.odd(5, 13), r.even(4, 12), 40};
    check_case(in, json::array({depthwise("dw", 3, 2, json::array({0, 2, 1, 0}))}), "dw", 108);
}

TEST(LoweringDepthwise, K5Same) {
    Shapes r(209);
    Shape in{r.between(5, 13), r.between(5, 13), r.between(8, 24)};
    check_case(in, json::array({depthwise("dw", 5, 1, "same")}), "dw", 109);
}

TEST(LoweringDepthwise, K5Stride2SameOdd) {
    Shapes r(210);
    Shape in{r.odd(5, 13), r.odd(5, 13), 13};
    check_case(in, json::array({depthwise("dw", 5, 2, "same")}), "dw", 110);
}

TEST(LoweringDepthwise, Multiplier2) {
    Shapes r(211);
    Shape in{r.between(4, 11), r.between(4, 11), r.between(3, 13)};
    check_case(in, json::array({depthwise("dw", 3, 1, "same", {{"multiplier", 2}})}), "dw", 111);
}

TEST(LoweringDepthwise, Multiplier3Stride2Valid) {
    Shapes r(212);
    Shape in{r.between(5, 11), r.between(5, 11), 3};
    check_case(in, json::array({depthwise("dw", 3, 2, "valid", {{"multiplier", 3}})}), "dw", 112);
}

TEST(LoweringDepthwise, Dilation2Same) {
    Shapes r(213);
    Shape in{r.between(6, 12), r.between(6, 12), r.between(4, 20)};
    check_case(in, json::array({depthwise("dw", 3, 1, "same", {{"dilation", 2}})}), "dw", 113);
}

TEST(LoweringDepthwise, BigKernel9x9RDomPath) {
    // 81 taps > 49: the reduction (RDom) lowering and its register-tiled schedule.
    Shapes r(214);
    Shape in{r.between(9, 16), r.between(9, 16), 13};
    check_case(in, json::array({depthwise("dw", 9, 1, "same"), simple("act", "relu6")}), "act", 114, {4.0f});
}

TEST(LoweringDepthwise, BigKernel9x9Stride2Valid40Channels) {
    Shapes r(215);
    Shape in{r.between(10, 18), r.between(10, 18), 40};
    check_case(in, json::array({depthwise("dw", 9, 2, "valid")}), "dw", 115);
}

TEST(LoweringDepthwise, BatchnormReluFoldedAndFused) {
    Shapes r(216);
    Shape in{r.between(5, 12), r.between(5, 12), r.between(3, 20)};
    json layers = json::array({depthwise("dw", 3, 2, "same", {{"bias", false}}), simple("bn", "batchnorm"), simple("act", "relu")});
    check_case(in, layers, "act", 116);
}

// ---------------------------------------------------------------------------------------
// elementwise (not folded, not fused)

TEST(LoweringElementwise, BatchnormStandalone) {
    Shapes r(301);
    Shape in{r.between(3, 10), r.between(3, 10), r.between(3, 20)};
    check_case(in, json::array({{{"name", "bn"}, {"op", "batchnorm"}, {"epsilon", 0.001}}}), "bn", 201);
}

TEST(LoweringElementwise, BatchnormStandaloneScalarChannels) {
    Shapes r(302);
    Shape in{r.between(3, 10), r.between(3, 10), 3};
    check_case(in, json::array({simple("bn", "batchnorm")}), "bn", 202);
}

TEST(LoweringElementwise, ReluStandalone) {
    Shapes r(303);
    Shape in{r.between(3, 10), r.between(3, 10), r.between(3, 20)};
    check_case(in, json::array({simple("act", "relu")}), "act", 203);
}

TEST(LoweringElementwise, Relu6Standalone) {
    Shapes r(304);
    Shape in{r.between(3, 10), r.between(3, 10), r.between(3, 20)};
    check_case(in, json::array({simple("act", "relu6")}), "act", 204, {9.0f});
}

TEST(LoweringElementwise, Relu6AfterAvgPool) {
    // An activation after an op that cannot absorb it stays a stage of its own.
    Shapes r(305);
    Shape in{r.between(4, 10), r.between(4, 10), r.between(3, 20)};
    json layers = json::array({{{"name", "pool"}, {"op", "avgpool"}, {"kernel", 2}}, simple("act", "relu6")});
    check_case(in, layers, "act", 205, {9.0f});
}

// ---------------------------------------------------------------------------------------
// pooling

TEST(LoweringElementwise, HardActivationsAndSigmoidStandalone) {
    Shapes r(306);
    Shape in{r.between(3, 9), r.between(3, 9), r.between(3, 20)};
    Options wide;
    wide.input_range = 5.0f;  // both knees of hsigmoid (-3, 3) are inside the range
    for (const char *op : {"hswish", "hsigmoid", "sigmoid"}) {
        SCOPED_TRACE(op);
        check_case(in, json::array({simple("act", op)}), "act", 206, wide);
    }
}

TEST(LoweringElementwise, HSwishFusedIntoConvAndDepthwise) {
    Shapes r(307);
    Shape in{r.between(5, 11), r.between(5, 11), r.between(3, 12)};
    json layers = json::array({{{"name", "pw"}, {"op", "conv2d"}, {"filters", 24}, {"kernel", 1}},
                               simple("pw_act", "hswish"),
                               {{"name", "dw"}, {"op", "depthwise_conv2d"}, {"kernel", 5}, {"stride", 2}, {"padding", "same"}, {"activation", "hswish"}},
                               {{"name", "gate"}, {"op", "conv2d"}, {"filters", 10}, {"kernel", 1}, {"activation", "hsigmoid"}}});
    check_case(in, layers, "gate", 207);
}

// The activations with numbers (ONNX's Clip, LeakyRelu/PRelu, HardSigmoid), alone and fused
// into a conv and a depthwise conv: the numbers must reach the fused epilogue too.
TEST(LoweringElementwise, ActivationsWithNumbersStandalone) {
    Shapes r(309);
    Shape in{r.between(3, 9), r.between(3, 9), r.between(3, 20)};
    Options wide;
    wide.input_range = 4.0f;
    const json cases = json::array({{{"name", "act"}, {"op", "clip"}, {"min", -1.5}, {"max", 0.75}},
                                    {{"name", "act"}, {"op", "clip"}, {"max", 0.5}},
                                    {{"name", "act"}, {"op", "clip"}, {"min", -0.25}},
                                    {{"name", "act"}, {"op", "leaky_relu"}, {"alpha", 0.1}},
                                    {{"name", "act"}, {"op", "leaky_relu"}},
                                    {{"name", "act"}, {"op", "hard_sigmoid"}, {"alpha", 0.5}, {"beta", 0.6}},
                                    {{"name", "act"}, {"op", "hard_sigmoid"}}});
    for (const json &act : cases) {
        SCOPED_TRACE(act.dump());
        check_case(in, json::array({act}), "act", 209, wide);
    }
}

TEST(LoweringElementwise, ActivationsWithNumbersFusedIntoConvAndDepthwise) {
    Shapes r(310);
    Shape in{r.between(5, 11), r.between(5, 11), r.between(3, 12)};
    json layers = json::array({{{"name", "pw"}, {"op", "conv2d"}, {"filters", 24}, {"kernel", 1}},
                               {{"name", "pw_act"}, {"op", "leaky_relu"}, {"alpha", 0.2}},
                               {{"name", "dw"}, {"op", "depthwise_conv2d"}, {"kernel", 3}, {"padding", "same"}},
                               {{"name", "dw_act"}, {"op", "clip"}, {"min", -0.1}, {"max", 0.3}},
                               {{"name", "head"}, {"op", "conv2d"}, {"filters", 10}, {"kernel", 1},
                                {"activation", {{"op", "hard_sigmoid"}, {"alpha", 0.3}, {"beta", 0.4}}}}});
    check_case(in, layers, "head", 210);
}

// Resize after a conv (mixed-sign data), up and down, every coordinate mode and rounding:
// the compiled tables against the reference interpreter's own arithmetic.
TEST(LoweringResize, NearestAndLinearEveryCoordinateMode) {
    Shapes r(311);
    Shape in{r.between(4, 9), r.between(4, 9), r.between(3, 13)};
    for (const char *mode : {"nearest", "linear"})
        for (const char *coord : {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"})
            for (const json &size : {json::array({in.h * 2 + 1, in.w * 3}), json::array({in.h / 2 + 1, in.w - 1}), json::array({1, 1})}) {
                SCOPED_TRACE(std::string(mode) + " " + coord + " " + size.dump());
                json layers = json::array({conv("conv", in.c, 3, 1, "same"),
                                           {{"name", "up"}, {"op", "resize"}, {"size", size}, {"mode", mode},
                                            {"coordinate_transformation_mode", coord}, {"nearest_mode", "round_prefer_ceil"}}});
                check_case(in, layers, "up", 311);
            }
}

TEST(LoweringResize, GivenScalesEnterTheCoordinates) {
    // 2.5x by scales: ONNX's coordinates use 2.5, not output/input.
    Shape in{6, 7, 5};
    json layers = json::array({{{"name", "up"}, {"op", "resize"}, {"size", json::array({15, 17})}, {"mode", "linear"},
                                {"coordinate_transformation_mode", "align_corners"}, {"scales", json::array({2.5, 2.5})}}});
    check_case(in, layers, "up", 312);
}

TEST(LoweringPool, MaxPool3x3Stride2SameOddAndEven) {
    // After a conv (mixed-sign data): a zero halo read by mistake would win in windows at
    // the border whose in-bounds values are all negative.
    for (int size : {9, 10}) {
        Shape in{size, size + 1, 13};
        json layers = json::array({{{"name", "conv"}, {"op", "conv2d"}, {"filters", 13}, {"kernel", 3}, {"padding", "same"}},
                                   {{"name", "pool"}, {"op", "maxpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}}});
        check_case(in, layers, "pool", 208 + uint64_t(size));
    }
}

TEST(LoweringPool, MaxPoolValidAndExplicit) {
    Shape in{8, 7, 20};
    check_case(in, json::array({{{"name", "pool"}, {"op", "maxpool"}, {"kernel", 2}}}), "pool", 210);
    check_case(in, json::array({{{"name", "pool"}, {"op", "maxpool"}, {"kernel", 3}, {"stride", {2, 1}}, {"padding", {0, 2, 1, 0}}}}), "pool", 211);
}

json conv1x1(const std::string &name, const std::string &input, int filters, const std::string &act = "none") {
    return {{"name", name}, {"op", "conv2d"}, {"input", input}, {"filters", filters}, {"kernel", 1}, {"activation", act}};
}

TEST(LoweringCombine, ResidualAdd) {
    // input → expand → depthwise → project, added back to the input (an inverted residual).
    Shape in{9, 8, 16};
    json layers = json::array({conv1x1("expand", "input", 48, "relu6"),
                               {{"name", "dw"}, {"op", "depthwise_conv2d"}, {"kernel", 3}, {"padding", "same"}, {"activation", "relu6"}},
                               conv1x1("project", "dw", 16),
                               {{"name", "sum"}, {"op", "add"}, {"inputs", {"input", "project"}}}});
    check_case(in, layers, "sum", 220);
}

TEST(LoweringCombine, SqueezeExciteGate) {
    Shape in{7, 6, 40};
    json layers = json::array({simple("squeeze", "global_avgpool"), conv1x1("reduce", "squeeze", 10, "relu"),
                               conv1x1("expand", "reduce", 40, "hsigmoid"),
                               {{"name", "scaled"}, {"op", "mul"}, {"inputs", {"input", "expand"}}}});
    check_case(in, layers, "scaled", 221);
}

TEST(LoweringCombine, MulSameShape) {
    Shape in{5, 6, 12};
    json layers = json::array({conv1x1("gate", "input", 12, "sigmoid"), {{"name", "prod"}, {"op", "mul"}, {"inputs", {"input", "gate"}}}});
    check_case(in, layers, "prod", 222);
}

TEST(LoweringCombine, ConcatOddChannelCounts) {
    // 3 + 13 + 8 channels: vectors straddle the inputs' boundaries.
    Shape in{6, 7, 3};
    json layers = json::array({conv1x1("a", "input", 13), conv1x1("b", "input", 8, "relu"),
                               {{"name", "cat"}, {"op", "concat"}, {"inputs", {"input", "a", "b"}}},
                               conv1x1("mix", "cat", 17)});
    check_case(in, layers, "mix", 223);
    check_case(in, json::array({conv1x1("a", "input", 13), {{"name", "cat"}, {"op", "concat"}, {"inputs", {"a", "input"}}}}), "cat", 224);
}

// SSD's heads: flatten each feature map's predictions, concatenate, view as [priors, classes].
TEST(LoweringReshape, FlattenConcatAndSoftmaxPerRow) {
    Shape in{5, 3, 4};
    json layers = json::array({conv1x1("head_a", "input", 6), {{"name", "flat_a"}, {"op", "reshape"}, {"shape", {1, 1, -1}}},
                               {{"name", "pool"}, {"op", "maxpool"}, {"kernel", 2}, {"padding", "same"}, {"input", "input"}},
                               conv1x1("head_b", "pool", 6),
                               {{"name", "flat_b"}, {"op", "reshape"}, {"shape", {1, 1, -1}}},
                               {{"name", "cat"}, {"op", "concat"}, {"inputs", {"flat_a", "flat_b"}}},
                               {{"name", "rows"}, {"op", "reshape"}, {"shape", {1, -1, 3}}},
                               simple("prob", "softmax")});
    check_case(in, layers, "prob", 225);
}

TEST(LoweringReshape, ChangesHeightWidthAndChannels) {
    check_case(Shape{6, 4, 10}, json::array({{{"name", "r"}, {"op", "reshape"}, {"shape", {8, 5, 6}}}, conv1x1("mix", "r", 7)}), "mix", 226);
    check_case(Shape{7, 9, 17}, json::array({{{"name", "r"}, {"op", "reshape"}, {"shape", {-1, 1, 21}}}}), "r", 227);
}

// 32k output channels: the weights are blocked by 32 (conv2d.cpp); plain, grouped, and with
// the unusual schedule (16-lane blocks inside 32-channel weight blocks, channel blocks outermost).
TEST(LoweringConv, BlockedWeights64And96Channels) {
    check_case(Shape{9, 11, 24}, json::array({conv("c", 64, 1, 1, "valid", {{"activation", "relu6"}})}), "c", 250);
    check_case(Shape{10, 7, 16}, json::array({conv("c", 96, 3, 2, "same")}), "c", 251);
    check_case(Shape{6, 6, 8}, json::array({conv("c", 128, 3, 1, "same", {{"groups", 2}})}), "c", 252);
    Options o;
    o.schedule.conv_vectors_per_block = 1;
    o.schedule.cache_fraction = 1e-6;
    check_case(Shape{5, 9, 20}, json::array({conv("c", 64, 1, 1, "valid")}), "c", 253, o);
}

// Rows the register tile does not divide (19 = 7 + 7 + 5, 4 x 5 - 1) end in a partial tile
// of their own. Rows outermost and channel blocks outermost, 1 and 2 channel vectors, a
// residual add in the stage.
TEST(LoweringConv, PartialLastTileOfARow) {
    const Shape in{5, 19, 24};
    json layers = json::array({conv("a", 48, 1, 1, "valid", {{"activation", "relu"}}), conv("b", 48, 1, 1, "valid"),
                               {{"name", "sum"}, {"op", "add"}, {"inputs", {"b", "a"}}}});
    uint64_t seed = 260;
    for (int vectors : {1, 2})
        for (int pixels : {5, 7})
            for (double cache_fraction : {0.5, 1e-6}) {
                Options o;
                o.schedule.conv_vectors_per_block = vectors;
                o.schedule.conv_tile_pixels = pixels;
                o.schedule.cache_fraction = cache_fraction;
                SCOPED_TRACE(std::to_string(vectors) + " vector(s) x " + std::to_string(pixels) + " px, cache fraction " +
                             std::to_string(cache_fraction));
                check_case(in, layers, "sum", seed++, o);
            }
}

// Channel blocks outermost, so the tiles run over the map's pixels as one sequence, crossing
// rows (flat tiles): a 3x3 conv with stride 1 and 2 and "same" padding on an odd map, then a
// 1x1 conv; tiles that divide neither the rows nor the map.
TEST(LoweringConv, FlatTilesAcrossRows) {
    const Shape in{9, 11, 12};
    uint64_t seed = 270;
    for (int stride : {1, 2})
        for (int pixels : {3, 4, 7}) {
            const int width = stride == 1 ? 11 : 6;
            if (width % std::min(width, pixels) == 0) continue;  // the rows' own tiles (not flat)
            json layers = json::array({conv("a", 128, 3, stride, "same", {{"activation", "relu6"}}), conv("b", 256, 1, 1, "valid")});
            Options o;
            o.schedule.conv_vectors_per_block = 2;
            o.schedule.conv_tile_pixels = pixels;
            o.schedule.cache_fraction = 1e-6;
            SCOPED_TRACE("stride " + std::to_string(stride) + ", " + std::to_string(pixels) + " px");
            // Both convs must take the flat path on whichever machine runs this (channel blocks
            // outermost needs rows narrower than a block; 4 to 16 blocks need no row chunks),
            // or this tests nothing new.
            const int height = (9 + stride - 1) / stride;
            for (const char *t : {"x86-64-avx2", "x86-64-avx512"}) {
                SCOPED_TRACE(t);
                EXPECT_TRUE(conv_tiling(Shape{height, width, 128}, 12 * 9, target_info(t), o.schedule, false).flat);
                EXPECT_TRUE(conv_tiling(Shape{height, width, 256}, 128, target_info(t), o.schedule, false).flat);
            }
            check_case(in, layers, "b", seed++, o);
        }
}

// Users' variants of the bundled networks' blocks, at sizes where vectors and tiles do not divide.

// Xception's downsampling block on an odd map: ReLU, two Keras separable convs (nothing between
// depthwise and pointwise), a 3x3/2 "same" max pool, and a 1x1/2 conv + BN shortcut added back.
TEST(LoweringVariants, XceptionStyleDownsamplingBlock) {
    Shape in{13, 11, 12};
    json layers = json::array({{{"name", "act"}, {"op", "relu"}},
                               {{"name", "sep1"}, {"op", "separable_conv"}, {"filters", 20}, {"normalize_depthwise", false}, {"activation", "relu"}},
                               {{"name", "sep2"}, {"op", "separable_conv"}, {"filters", 20}, {"normalize_depthwise", false}, {"activation", "none"}},
                               {{"name", "pool"}, {"op", "maxpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}},
                               {{"name", "short"}, {"op", "conv2d"}, {"filters", 20}, {"kernel", 1}, {"stride", 2}, {"padding", "same"}, {"bias", false}, {"input", "input"}},
                               {{"name", "short_bn"}, {"op", "batchnorm"}},
                               {{"name", "sum"}, {"op", "add"}, {"inputs", {"pool", "short_bn"}}}});
    check_case(in, layers, "sum", 240);
}

// A MobileNetV3-like block with a 7x7 depthwise, a relu6 body, and squeeze-excite with a
// reduction of 3 (not V3's 4) and a sigmoid gate; expansion by factor, not by count.
TEST(LoweringVariants, InvertedResidual7x7SqueezeExciteReduction3) {
    Shape in{9, 10, 18};
    json layers = json::array({{{"name", "ir"}, {"op", "inverted_residual"}, {"expansion", 3}, {"filters", 18}, {"kernel", 7},
                                {"padding", {3, 3, 3, 3}}, {"se_channels", 18}, {"se_gate", "sigmoid"}}});
    check_case(in, layers, "ir", 241);
}

// Squeeze-excite written out by hand on a plain conv (no composite), gate h-sigmoid, and a
// residual add of two separately computed branches; then a channel concat of both branches.
TEST(LoweringVariants, HandWrittenSqueezeExciteAndConcat) {
    Shape in{8, 7, 10};
    json layers = json::array({conv1x1("body", "input", 24, "hswish"), simple("pool", "global_avgpool"),
                               conv1x1("reduce", "pool", 6, "relu"), conv1x1("gate", "reduce", 24, "hsigmoid"),
                               {{"name", "scaled"}, {"op", "mul"}, {"inputs", {"body", "gate"}}},
                               conv1x1("other", "input", 24, "relu6"),
                               {{"name", "sum"}, {"op", "add"}, {"inputs", {"scaled", "other"}}},
                               {{"name", "both"}, {"op", "concat"}, {"inputs", {"sum", "scaled", "input"}}}});
    check_case(in, layers, "both", 242);
}

// Pools of every padding mode back to back, fed and read by separable convs with 5x5 kernels.
TEST(LoweringVariants, PoolsOfEveryPaddingInASeparableStack) {
    Shape in{15, 14, 9};
    json layers = json::array({{{"name", "s1"}, {"op", "separable_conv"}, {"filters", 16}, {"kernel", 5}, {"activation", "relu"}},
                               {{"name", "max_same"}, {"op", "maxpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}},
                               {{"name", "avg_valid"}, {"op", "avgpool"}, {"kernel", 2}, {"stride", 1}, {"padding", "valid"}},
                               {{"name", "max_explicit"}, {"op", "maxpool"}, {"kernel", 3}, {"stride", 1}, {"padding", {1, 0, 2, 1}}},
                               {{"name", "avg_same"}, {"op", "avgpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}},
                               {{"name", "s2"}, {"op", "separable_conv"}, {"filters", 12}, {"kernel", 5}, {"stride", 2}, {"multiplier", 2}}});
    check_case(in, layers, "s2", 243);
}

TEST(LoweringComposite, InvertedResidualWithResidual) {
    Shape in{10, 9, 16};
    json layers = json::array({{{"name", "ir"}, {"op", "inverted_residual"}, {"expansion", 4}, {"filters", 16}}});
    check_case(in, layers, "ir", 230);
}

TEST(LoweringComposite, InvertedResidualV3StyleSqueezeExcite) {
    // A user's variant: 5x5 stride 2, h-swish, squeeze-excite with a sigmoid gate, no residual.
    Shape in{11, 12, 24};
    json layers = json::array({{{"name", "ir"}, {"op", "inverted_residual"}, {"expand_channels", 72}, {"filters", 40}, {"kernel", 5},
                                {"stride", 2}, {"activation", "hswish"}, {"se_channels", 18}, {"se_gate", "sigmoid"}}});
    check_case(in, layers, "ir", 231);
}

TEST(LoweringPool, GlobalAvgPool) {
    Shapes r(401);
    Shape in{r.between(3, 12), r.between(3, 12), r.between(8, 48)};
    check_case(in, json::array({simple("gap", "global_avgpool")}), "gap", 301);
}

TEST(LoweringPool, GlobalAvgPoolScalarChannels) {
    Shapes r(402);
    Shape in{r.between(2, 9), r.between(2, 9), 3};
    check_case(in, json::array({simple("gap", "global_avgpool")}), "gap", 302);
}

TEST(LoweringPool, AvgPool3x3Stride2SameOdd) {
    Shapes r(403);
    Shape in{r.odd(5, 13), r.odd(5, 13), r.between(3, 20)};
    json pool = {{"name", "pool"}, {"op", "avgpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}};
    check_case(in, json::array({pool}), "pool", 303);
}

TEST(LoweringPool, AvgPool3x3Stride2SameEven) {
    Shapes r(404);
    Shape in{r.even(4, 14), r.even(4, 14), r.between(3, 20)};
    json pool = {{"name", "pool"}, {"op", "avgpool"}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}};
    check_case(in, json::array({pool}), "pool", 304);
}

TEST(LoweringPool, AvgPool3x3Stride1Same) {
    // Every border pixel averages over fewer than 9 taps.
    Shapes r(405);
    Shape in{r.between(3, 10), r.between(3, 10), r.between(3, 20)};
    json pool = {{"name", "pool"}, {"op", "avgpool"}, {"kernel", 3}, {"stride", 1}, {"padding", "same"}};
    check_case(in, json::array({pool}), "pool", 305);
}

TEST(LoweringPool, AvgPool2x2Valid) {
    Shapes r(406);
    Shape in{r.between(4, 14), r.between(4, 14), r.between(3, 20)};
    check_case(in, json::array({{{"name", "pool"}, {"op", "avgpool"}, {"kernel", 2}, {"padding", "valid"}}}), "pool", 306);
}

TEST(LoweringPool, AvgPoolExplicitAsymmetricPads) {
    Shapes r(407);
    Shape in{r.between(4, 11), r.between(4, 11), r.between(3, 20)};
    json pool = {{"name", "pool"}, {"op", "avgpool"}, {"kernel", 3}, {"stride", 2}, {"padding", {1, 0, 2, 1}}};
    check_case(in, json::array({pool}), "pool", 307);
}

// ---------------------------------------------------------------------------------------
// dense and softmax

TEST(LoweringDense, FlattenHWC3x3x5) {
    check_case(Shape{3, 3, 5}, json::array({{{"name", "fc"}, {"op", "dense"}, {"units", 10}}}), "fc", 401);
}

TEST(LoweringDense, FlattenHWC3x3x5WithRelu) {
    json layers = json::array({{{"name", "fc"}, {"op", "dense"}, {"units", 19}}, simple("act", "relu")});
    check_case(Shape{3, 3, 5}, layers, "act", 402);
}

TEST(LoweringDense, FlattenScalarUnits) {
    check_case(Shape{3, 3, 5}, json::array({{{"name", "fc"}, {"op", "dense"}, {"units", 3}, {"bias", false}}}), "fc", 403);
}

TEST(LoweringDense, FlattenLong7x7x64) {
    // 3136-term reductions (tolerance 1e-4).
    check_case(Shape{7, 7, 64}, json::array({{{"name", "fc"}, {"op", "dense"}, {"units", 45}}}), "fc", 406);
}

TEST(LoweringDense, AfterGlobalPool) {
    Shapes r(504);
    Shape in{r.between(3, 8), r.between(3, 8), r.between(16, 64)};
    json layers = json::array({simple("gap", "global_avgpool"), {{"name", "fc"}, {"op", "dense"}, {"units", r.between(10, 70)}}});
    check_case(in, layers, "fc", 404);
}

TEST(LoweringDense, AfterGlobalPoolWithRelu) {
    Shapes r(505);
    Shape in{r.between(3, 8), r.between(3, 8), r.between(16, 64)};
    json layers = json::array({simple("gap", "global_avgpool"), {{"name", "fc"}, {"op", "dense"}, {"units", r.between(10, 70)}},
                               simple("act", "relu")});
    check_case(in, layers, "act", 405);
}

TEST(LoweringSoftmax, Vector1x1x10) {
    check_case(Shape{1, 1, 10}, json::array({simple("prob", "softmax")}), "prob", 501, {4.0f});
}

TEST(LoweringSoftmax, Vector1x1x1000) {
    check_case(Shape{1, 1, 1000}, json::array({simple("prob", "softmax")}), "prob", 504, {8.0f});
}

TEST(LoweringSoftmax, Map4x5x7) {
    check_case(Shape{4, 5, 7}, json::array({simple("prob", "softmax")}), "prob", 502, {4.0f});
}

TEST(LoweringSoftmax, ClassifierHead) {
    json layers = json::array({simple("gap", "global_avgpool"), {{"name", "fc"}, {"op", "dense"}, {"units", 37}},
                               simple("prob", "softmax")});
    check_case(Shape{5, 4, 24}, layers, "prob", 503);
}

// ---------------------------------------------------------------------------------------
// separable_conv (expanded to depthwise [+BN] [+act] + pointwise [+BN] [+act])

TEST(LoweringSeparable, Stride1) {
    Shapes r(601);
    Shape in{r.between(5, 12), r.between(5, 12), r.between(3, 16)};
    json sep = {{"name", "block"}, {"op", "separable_conv"}, {"filters", r.between(8, 32)}, {"epsilon", 0.001}};
    check_case(in, json::array({sep}), "block", 601, {3.0f});
}

TEST(LoweringSeparable, Stride2Multiplier2Relu) {
    Shapes r(602);
    Shape in{r.odd(5, 13), r.even(4, 12), r.between(3, 12)};
    json sep = {{"name", "block"}, {"op",       "separable_conv"}, {"filters", r.between(8, 32)}, {"stride", 2},
                {"multiplier", 2}, {"activation", "relu"}};
    check_case(in, json::array({sep}), "block", 602);
}

TEST(LoweringSeparable, NoBatchnormValid) {
    Shapes r(603);
    Shape in{r.between(5, 12), r.between(5, 12), r.between(3, 16)};
    json sep = {{"name", "block"}, {"op", "separable_conv"}, {"filters", r.between(4, 20)}, {"batchnorm", false},
                {"padding", "valid"}, {"activation", "none"}};
    check_case(in, json::array({sep}), "block", 603);
}

// ---------------------------------------------------------------------------------------
// Random sweeps: many small configurations per windowed op, each drawn from a fixed seed.
// A failing configuration is reported with its whole spec (see the trace), so it can be
// turned into a named case above. Half of them put a 1x1 conv in front, so the tested
// layer reads a tensor that another stage wrote into a padded buffer.

// Pads for an explicit padding, each smaller than the (dilated) kernel along its axis.
json random_pads(Shapes &r, int keff_h, int keff_w) {
    return json::array({r.between(0, keff_h - 1), r.between(0, keff_w - 1), r.between(0, keff_h - 1), r.between(0, keff_w - 1)});
}

json random_padding(Shapes &r, int keff_h, int keff_w) {
    switch (r.between(0, 2)) {
    case 0: return "same";
    case 1: return "valid";
    default: return random_pads(r, keff_h, keff_w);
    }
}

// The input size along one axis: at least the dilated kernel, so 'valid' fits too.
int random_extent(Shapes &r, int keff) { return r.between(keff, keff + 9); }

void with_producer(Shapes &r, Shape *in, json *layers) {
    if (r.between(0, 1) == 0) return;
    const int c = in->c;
    in->c = r.between(1, 8);
    layers->insert(layers->begin(), conv("pre", c, 1, 1, "valid", {{"activation", "relu"}}));
}

void sweep_conv2d(int first, int count, const std::string &target, const ScheduleParams &schedule = {}) {
    const int kernels[] = {1, 2, 3, 5};
    for (int i = first; i < first + count; i++) {
        Shapes r(uint32_t(7000 + i));
        const int kh = kernels[r.between(0, 3)], kw = r.between(0, 2) ? kh : kernels[r.between(0, 3)];
        const int sh = r.between(1, 3), sw = r.between(0, 2) ? sh : r.between(1, 3);
        const int dil = (kh > 1 || kw > 1) && r.between(0, 3) == 0 ? 2 : 1;
        const int keff_h = (kh - 1) * dil + 1, keff_w = (kw - 1) * dil + 1;
        const int groups = r.between(0, 2) == 0 ? r.between(2, 4) : 1;
        Shape in{random_extent(r, keff_h), random_extent(r, keff_w), groups * r.between(1, 12)};
        const int filters = groups * r.between(1, 40 / groups);
        const char *acts[] = {"none", "relu", "relu6"};
        json layers = json::array({conv("conv", filters, json::array({kh, kw}), json::array({sh, sw}), random_padding(r, keff_h, keff_w),
                                        {{"dilation", dil}, {"groups", groups}, {"bias", r.between(0, 1) == 1},
                                         {"activation", acts[r.between(0, 2)]}})});
        with_producer(r, &in, &layers);
        check_case(in, layers, "conv", uint64_t(7000 + i), {3.0f, 0, target, schedule});
    }
}

void sweep_depthwise(int first, int count, const std::string &target, const ScheduleParams &schedule = {}) {
    const int kernels[] = {1, 2, 3, 5, 7, 9};
    for (int i = first; i < first + count; i++) {
        Shapes r(uint32_t(8000 + i));
        const int kh = kernels[r.between(0, 5)], kw = r.between(0, 2) ? kh : kernels[r.between(0, 5)];
        const int sh = r.between(1, 3), sw = r.between(0, 2) ? sh : r.between(1, 3);
        const int dil = (kh > 1 || kw > 1) && r.between(0, 3) == 0 ? 2 : 1;
        const int keff_h = (kh - 1) * dil + 1, keff_w = (kw - 1) * dil + 1;
        Shape in{random_extent(r, keff_h), random_extent(r, keff_w), r.between(1, 40)};
        const int mult = r.between(0, 3) == 0 ? r.between(2, 3) : 1;
        const char *acts[] = {"none", "relu", "relu6"};
        json layers = json::array({depthwise("dw", json::array({kh, kw}), json::array({sh, sw}), random_padding(r, keff_h, keff_w),
                                             {{"dilation", dil}, {"multiplier", mult}, {"bias", r.between(0, 1) == 1},
                                              {"activation", acts[r.between(0, 2)]}})});
        with_producer(r, &in, &layers);
        check_case(in, layers, "dw", uint64_t(8000 + i), {3.0f, 0, target, schedule});
    }
}

void sweep_avgpool(int first, int count, const std::string &target) {
    for (int i = first; i < first + count; i++) {
        Shapes r(uint32_t(9000 + i));
        const int kh = r.between(1, 4), kw = r.between(0, 2) ? kh : r.between(1, 4);
        Shape in{random_extent(r, kh), random_extent(r, kw), r.between(1, 40)};
        json pool = {{"name", "pool"}, {"op", "avgpool"}, {"kernel", {kh, kw}}, {"padding", random_padding(r, kh, kw)}};
        if (r.between(0, 1)) pool["stride"] = {r.between(1, 3), r.between(1, 3)};
        json layers = json::array({pool});
        with_producer(r, &in, &layers);
        check_case(in, layers, "pool", uint64_t(9000 + i), {1.0f, 0, target});
    }
}

TEST(LoweringSweep, Conv2D) { sweep_conv2d(0, 24, "host"); }
TEST(LoweringSweep, Depthwise) { sweep_depthwise(0, 24, "host"); }
TEST(LoweringSweep, AvgPool) { sweep_avgpool(0, 16, "host"); }

// Other configurations of the same generators on the narrower targets.
TEST(LoweringSweep, Conv2DAvx2) { sweep_conv2d(100, 12, "x86-64-avx2"); }
TEST(LoweringSweep, DepthwiseAvx2) { sweep_depthwise(100, 12, "x86-64-avx2"); }
TEST(LoweringSweep, AvgPoolAvx2) { sweep_avgpool(100, 8, "x86-64-avx2"); }
TEST(LoweringSweep, Conv2DSse41) { sweep_conv2d(200, 8, "x86-64-sse41"); }
TEST(LoweringSweep, DepthwiseSse41) { sweep_depthwise(200, 8, "x86-64-sse41"); }
TEST(LoweringSweep, AvgPoolSse41) { sweep_avgpool(200, 6, "x86-64-sse41"); }

// The schedule knobs at values the default files do not use: one vector per channel block,
// 3-pixel tiles, channel blocks outermost on every layer (a tiny cache), 2-pixel depthwise runs,
// dense layers always split across cores. Other schedules, the same numbers.
ScheduleParams unusual_schedule() {
    ScheduleParams p;
    p.conv_vectors_per_block = 1;
    p.conv_tile_pixels = 3;
    p.cache_fraction = 1e-6;
    p.depthwise_pixel_run = 2;
    p.depthwise_pixels_outer = true;
    p.reduction_parallel_min_vectors = 1;
    p.fusion = FusionMode::All;  // fused producers recomputed per channel block (blocks outermost)
    p.fused_producer_rows = false;
    return p;
}
TEST(LoweringSweep, Conv2DUnusualSchedule) { sweep_conv2d(300, 10, "host", unusual_schedule()); }
TEST(LoweringSweep, DepthwiseUnusualSchedule) { sweep_depthwise(300, 10, "host", unusual_schedule()); }
// ---------------------------------------------------------------------------------------
// Fused stages (schedule/plan_stages.h): the blocks of these networks at odd sizes, every
// fusable boundary fused, the producer computed per row or per pixel tile, and nothing fused.

ScheduleParams fusion_schedule(FusionMode mode, bool rows) {
    ScheduleParams p;
    p.fusion = mode;
    p.fused_producer_rows = rows;
    return p;
}

// A random block: separable conv, inverted residual (with or without squeeze-excite and a
// residual), or Xception's relu + separable conv + residual add; half with a 1x1 conv before.
void sweep_fused_blocks(int first, int count, const std::string &target, const ScheduleParams &schedule, int min_fused) {
    for (int i = first; i < first + count; i++) {
        Shapes r(uint32_t(9500 + i));
        const int k = r.between(0, 2) ? 3 : 5, stride = r.between(0, 2) ? 1 : 2;
        Shape in{r.between(k, k + 10), r.between(k, k + 10), r.between(3, 40)};
        const char *acts[] = {"none", "relu", "relu6", "hswish"};
        json layers;
        switch (r.between(0, 2)) {
        case 0:
            layers = json::array({{{"name", "block"}, {"op", "separable_conv"}, {"filters", r.between(4, 40)}, {"kernel", k}, {"stride", stride},
                                   {"multiplier", r.between(0, 3) ? 1 : 2}, {"activation", acts[r.between(0, 3)]},
                                   {"normalize_depthwise", r.between(0, 1) == 1}}});
            break;
        case 1: {
            json ir = {{"name", "block"}, {"op", "inverted_residual"}, {"expansion", r.between(1, 4)}, {"kernel", k}, {"stride", stride},
                       {"filters", r.between(0, 1) ? in.c : r.between(4, 40)}, {"activation", acts[r.between(1, 3)]}};
            if (r.between(0, 1)) ir["se_channels"] = r.between(2, 12), ir["se_gate"] = r.between(0, 1) ? "hsigmoid" : "sigmoid";
            layers = json::array({ir});
            break;
        }
        default:
            layers = json::array({simple("act", "relu"),
                                  {{"name", "sep"}, {"op", "separable_conv"}, {"filters", in.c}, {"kernel", k}, {"normalize_depthwise", false}},
                                  {{"name", "block"}, {"op", "add"}, {"inputs", {"sep", "input"}}}});
        }
        with_producer(r, &in, &layers);
        if (layers.back()["op"] == "add" && layers[0]["name"] == "pre") layers.back()["inputs"] = {"sep", "pre"};  // the block's input
        check_case(in, layers, "block", uint64_t(9500 + i), {2.0f, 0, target, schedule, min_fused});
    }
}

TEST(LoweringFusion, BlocksFusedRowByRow) { sweep_fused_blocks(0, 16, "host", fusion_schedule(FusionMode::All, true), 1); }
TEST(LoweringFusion, BlocksFusedTileByTile) { sweep_fused_blocks(0, 16, "host", fusion_schedule(FusionMode::All, false), 1); }
TEST(LoweringFusion, BlocksUnfused) { sweep_fused_blocks(0, 8, "host", fusion_schedule(FusionMode::None, true), 0); }
TEST(LoweringFusion, BlocksFusedAvx2) { sweep_fused_blocks(100, 8, "x86-64-avx2", fusion_schedule(FusionMode::All, true), 1); }
TEST(LoweringFusion, BlocksFusedUnusualSchedule) { sweep_fused_blocks(200, 8, "host", unusual_schedule(), 1); }

// Inverted residuals with the expand conv fused row by row (a sliding window over strips of
// rows, each strip recomputing the rows above its first): kernels 3 and 5, strides 1 and 2,
// with and without the residual add, and strip counts that do and do not divide the height.
TEST(LoweringFusion, ExpandConvFusedRowByRow) {
    for (int i = 0; i < 12; i++) {
        Shapes r(uint32_t(9800 + i));
        const int k = i % 2 ? 5 : 3, stride = i % 4 < 2 ? 1 : 2;
        Shape in{r.between(k, k + 12), r.between(k, k + 12), r.between(3, 40)};
        const bool residual = stride == 1 && i % 3 == 0;
        json ir = {{"name", "block"}, {"op", "inverted_residual"}, {"expansion", r.between(2, 6)}, {"kernel", k}, {"stride", stride},
                   {"filters", residual ? in.c : r.between(4, 40)}, {"activation", i % 2 ? "hswish" : "relu6"}};
        ScheduleParams p = fusion_schedule(FusionMode::All, i % 5 != 4);
        p.expand_strips = 1 + i % 4 + (i == 11 ? 20 : 0);  // 1 to 4, and more strips than rows
        SCOPED_TRACE("strips " + std::to_string(p.expand_strips));
        // expand and depthwise fused into the project conv (and it into the add)
        check_case(in, json::array({ir}), "block", uint64_t(9800 + i), {2.0f, 0, "host", p, residual ? 3 : 2});
    }
}

// Knobs of one stage's own (what `netc tune` writes) change that stage only, and compute the
// same numbers.
TEST(LoweringFusion, PerStageKnobs) {
    Shape in{11, 13, 24};
    json layers = json::array({{{"name", "a"}, {"op", "separable_conv"}, {"filters", 40}, {"stride", 2}},
                               {{"name", "block"}, {"op", "separable_conv"}, {"filters", 36}, {"kernel", 5}}});
    ScheduleParams p = fusion_schedule(FusionMode::All, true);
    p.stages["block_pw"].conv_vectors_per_block = 1;
    p.stages["block_pw"].conv_tile_pixels = 3;
    p.stages["block_pw"].depthwise_pixel_run = 2;
    p.stages["block_pw"].depthwise_pixels_outer = true;
    p.stages["a_pw"].conv_tile_pixels = 5;
    EXPECT_EQ(p.for_stage("block_pw").conv_tile_pixels, 3);
    EXPECT_EQ(p.for_stage("a_pw").conv_vectors_per_block, p.conv_vectors_per_block);
    EXPECT_EQ(p.for_stage("other").depthwise_pixel_run, p.depthwise_pixel_run);
    check_case(in, layers, "block", 9700, {2.0f, 0, "host", p, 2});
}

TEST(LoweringSweep, DenseUnusualSchedule) {
    Options o;
    o.schedule = unusual_schedule();
    check_case(Shape{3, 4, 20}, json::array({{{"name", "fc"}, {"op", "dense"}, {"units", 37}}}), "fc", 310, o);
}

}  // namespace
}  // namespace netc
