// The graph passes. expand_composites is checked against the layer list written out by
// hand; fold_batchnorm and fuse_activations against the reference interpreter running the
// unoptimised graph (plus one fold worked out by hand), since they must not change results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/passes.h"
#include "reference/reference.h"
#include "spec/diagnostic.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {
namespace {

std::string spec(const std::string &input_shape, const std::string &layers, const std::string &outputs, int seed = 1) {
    return R"({"netc": 1, "name": "t", "input": {"shape": )" + input_shape + R"(}, "weights": {"init": "random", "seed": )" +
           std::to_string(seed) + R"(}, "layers": [)" + layers + R"(], "outputs": [)" + outputs + "]}";
}

// parse → expand_composites → infer_shapes → bind_weights: the unoptimised graph.
Graph build(const std::string &text) {
    return bind_weights(infer_shapes(expand_composites(parse_spec_text(text, "test.json"))));
}

Graph optimise(const Graph &g) { return fuse_activations(fold_batchnorm(g)); }

// Deterministic input values in [-amplitude, amplitude].
std::vector<float> test_input(const Graph &g, float amplitude = 3.0f) {
    std::vector<float> v(size_t(g.input.shape.elements()));
    uint32_t state = 12345;
    for (float &x : v) {
        state = state * 1664525u + 1013904223u;
        x = amplitude * (float(state >> 8) / float(1 << 24) * 2.0f - 1.0f);
    }
    return v;
}

// Every output agrees: max |a - b| <= 1e-5 * max |reference|.
void expect_same_outputs(const Graph &reference_graph, const Graph &optimised) {
    std::vector<float> in = test_input(reference_graph);
    auto expected = run_reference(reference_graph, in);
    auto actual = run_reference(optimised, in);
    ASSERT_EQ(expected.size(), actual.size());
    for (size_t o = 0; o < expected.size(); o++) {
        ASSERT_EQ(expected[o].size(), actual[o].size()) << "output " << o;
        float max_ref = 0, max_diff = 0;
        for (size_t i = 0; i < expected[o].size(); i++) {
            max_ref = std::max(max_ref, std::fabs(expected[o][i]));
            max_diff = std::max(max_diff, std::fabs(expected[o][i] - actual[o][i]));
        }
        EXPECT_GT(max_ref, 0.0f) << "output " << o << " is all zeros: the comparison proves nothing";
        EXPECT_LE(max_diff, 1e-5f * max_ref) << "output " << o << ": max |diff| " << max_diff << ", max |ref| " << max_ref;
    }
}

int count_ops(const Graph &g, OpKind k) {
    return int(std::count_if(g.layers.begin(), g.layers.end(), [&](const Layer &l) { return l.op == k; }));
}

const Layer &layer(const Graph &g, const std::string &name) {
    int i = g.find(name);
    EXPECT_GE(i, 0) << "no layer '" << name << "'";
    return g.layers[size_t(std::max(i, 0))];
}

std::vector<std::string> names(const Graph &g) {
    std::vector<std::string> out;
    for (const auto &l : g.layers) out.push_back(l.name);
    return out;
}

std::vector<std::string> output_names(const Graph &g) {
    std::vector<std::string> out;
    for (int o : g.outputs) out.push_back(g.layers[size_t(o)].name);
    return out;
}

// Every layer reads an earlier one; the graph is well formed after a pass.
void expect_well_formed(const Graph &g) {
    ASSERT_FALSE(g.layers.empty());
    EXPECT_EQ(g.layers[0].op, OpKind::Input);
    for (size_t i = 1; i < g.layers.size(); i++) {
        ASSERT_FALSE(g.layers[i].inputs.empty()) << g.layers[i].name;
        for (int in : g.layers[i].inputs) {
            EXPECT_GE(in, 0) << g.layers[i].name;
            EXPECT_LT(in, int(i)) << g.layers[i].name;
        }
    }
    for (int o : g.outputs) {
        EXPECT_GT(o, 0);
        EXPECT_LT(o, int(g.layers.size()));
    }
}

// ---------------------------------------------------------------------------------------
// expand_composites

TEST(ExpandComposites, InvertedResidualWithSqueezeExciteAndResidual) {
    Graph g = expand_composites(parse_spec_text(
        spec("[8, 8, 16]", R"({"name": "b", "op": "inverted_residual", "expansion": 4, "filters": 16, "kernel": 5,
                              "activation": "hswish", "se_channels": 8})",
             R"("b")"),
        "test.json"));
    expect_well_formed(g);
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "b_expand", "b_expand_bn", "b_expand_hswish", "b_dw", "b_dw_bn",
                                                  "b_dw_hswish", "b_se_pool", "b_se_reduce", "b_se_expand", "b_se_scale",
                                                  "b_project", "b_project_bn", "b_add"}));
    EXPECT_EQ(layer(g, "b_expand").filters, 64);  // 16 input channels × 4
    EXPECT_EQ(layer(g, "b_dw").kernel_h, 5);
    EXPECT_EQ(layer(g, "b_se_reduce").activation, Activation::Relu);
    EXPECT_EQ(layer(g, "b_se_expand").filters, 64);
    EXPECT_EQ(layer(g, "b_se_expand").activation, Activation::HSigmoid);
    EXPECT_EQ(layer(g, "b_se_scale").inputs, (std::vector<int>{6, 9}));  // the depthwise branch × the gate
    EXPECT_EQ(layer(g, "b_project").activation, Activation::None);      // the linear bottleneck
    EXPECT_EQ(layer(g, "b_add").inputs, (std::vector<int>{0, 12}));     // the block's input + the projection
    EXPECT_EQ(output_names(g), (std::vector<std::string>{"b_add"}));
}

TEST(ExpandComposites, InvertedResidualWithoutResidualOrExpansion) {
    // Stride 2: no residual. Expansion 1 (MobileNetV2's first block): no expand conv.
    Graph g = expand_composites(parse_spec_text(
        spec("[8, 8, 16]", R"({"name": "b", "op": "inverted_residual", "expansion": 1, "filters": 16, "stride": 2})", R"("b")"),
        "test.json"));
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "b_dw", "b_dw_bn", "b_dw_relu6", "b_project", "b_project_bn"}));
}

TEST(ExpandComposites, SeparableConvWithBatchNormAndRelu6) {
    Graph parsed = parse_spec_text(
        spec("[8, 8, 3]", R"({"name": "stem", "op": "conv2d", "filters": 4, "kernel": 1},
                            {"name": "sep", "op": "separable_conv", "filters": 6, "stride": 2, "multiplier": 2},
                            {"name": "gap", "op": "global_avgpool"},
                            {"name": "side", "op": "relu", "input": "sep"})",
             R"("sep", "gap", "stem", "side")"),
        "test.json");
    Graph g = expand_composites(parsed);
    expect_well_formed(g);
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "stem", "sep_dw", "sep_dw_bn", "sep_dw_relu6", "sep_pw",
                                                  "sep_pw_bn", "sep_pw_relu6", "gap", "side"}));
    std::vector<OpKind> ops;
    for (const auto &l : g.layers) ops.push_back(l.op);
    EXPECT_EQ(ops, (std::vector<OpKind>{OpKind::Input, OpKind::Conv2D, OpKind::DepthwiseConv2D, OpKind::BatchNorm,
                                        OpKind::Relu6, OpKind::Conv2D, OpKind::BatchNorm, OpKind::Relu6,
                                        OpKind::GlobalAvgPool, OpKind::Relu}));
    // A chain: each sub-layer reads the previous one; the first reads the composite's input.
    for (int i = 2; i <= 7; i++) EXPECT_EQ(g.layers[size_t(i)].inputs, std::vector<int>{i - 1}) << g.layers[size_t(i)].name;
    // Both readers of the composite (implicitly the next layer, explicitly "side") now read its last sub-layer.
    EXPECT_EQ(layer(g, "gap").inputs, std::vector<int>{7});
    EXPECT_EQ(layer(g, "side").inputs, std::vector<int>{7});
    // So does the output that named it; the others keep their layers.
    EXPECT_EQ(output_names(g), (std::vector<std::string>{"sep_pw_relu6", "gap", "stem", "side"}));

    const Layer &dw = layer(g, "sep_dw");
    EXPECT_EQ(dw.kernel_h, 3);
    EXPECT_EQ(dw.kernel_w, 3);
    EXPECT_EQ(dw.stride_h, 2);
    EXPECT_EQ(dw.stride_w, 2);
    EXPECT_EQ(dw.multiplier, 2);
    EXPECT_EQ(dw.padding.mode, Padding::Same);
    EXPECT_FALSE(dw.bias);  // BN follows
    EXPECT_EQ(dw.activation, Activation::None);
    EXPECT_EQ(dw.origin, "layers[1] (separable_conv 'sep')");
    EXPECT_FLOAT_EQ(layer(g, "sep_dw_bn").epsilon, 1e-3f);

    const Layer &pw = layer(g, "sep_pw");
    EXPECT_EQ(pw.filters, 6);
    EXPECT_EQ(pw.kernel_h, 1);
    EXPECT_EQ(pw.kernel_w, 1);
    EXPECT_EQ(pw.stride_h, 1);
    EXPECT_EQ(pw.groups, 1);
    EXPECT_EQ(pw.padding.mode, Padding::Valid);
    EXPECT_FALSE(pw.bias);
    EXPECT_EQ(pw.activation, Activation::None);
    EXPECT_FLOAT_EQ(layer(g, "sep_pw_bn").epsilon, 1e-3f);

    // The argument is left alone.
    EXPECT_EQ(parsed.layers.size(), 5u);
    EXPECT_EQ(parsed.layers[2].op, OpKind::SeparableConv);

    // Shapes: 8x8x4 -> dw (same, stride 2, x2) 4x4x8 -> pw 4x4x6.
    Graph s = infer_shapes(g);
    EXPECT_EQ(layer(s, "sep_dw").out, (Shape{4, 4, 8}));
    EXPECT_EQ(layer(s, "sep_pw_relu6").out, (Shape{4, 4, 6}));
    EXPECT_EQ(layer(s, "gap").out, (Shape{1, 1, 6}));
}

TEST(ExpandComposites, SeparableConvWithoutBatchNorm) {
    Graph g = expand_composites(parse_spec_text(
        spec("[8, 8, 3]", R"({"name": "s", "op": "separable_conv", "filters": 5, "kernel": [3, 5], "padding": "valid",
                             "batchnorm": false, "activation": "relu"})",
             R"("s")"),
        "test.json"));
    expect_well_formed(g);
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "s_dw", "s_pw"}));
    const Layer &dw = layer(g, "s_dw");
    EXPECT_EQ(dw.op, OpKind::DepthwiseConv2D);
    EXPECT_EQ(dw.kernel_h, 3);
    EXPECT_EQ(dw.kernel_w, 5);
    EXPECT_EQ(dw.padding.mode, Padding::Valid);
    EXPECT_TRUE(dw.bias);  // no BN: the convolutions keep a bias
    EXPECT_EQ(dw.activation, Activation::Relu);
    const Layer &pw = layer(g, "s_pw");
    EXPECT_EQ(pw.op, OpKind::Conv2D);
    EXPECT_EQ(pw.filters, 5);
    EXPECT_TRUE(pw.bias);
    EXPECT_EQ(pw.activation, Activation::Relu);
    EXPECT_EQ(output_names(g), std::vector<std::string>{"s_pw"});
}

TEST(ExpandComposites, SeparableConvWithBatchNormNoActivation) {
    Graph g = expand_composites(parse_spec_text(
        spec("[8, 8, 3]", R"({"name": "a", "op": "separable_conv", "filters": 4, "activation": "none"},
                            {"name": "b", "op": "separable_conv", "filters": 4})",
             R"("a", "b")"),
        "test.json"));
    expect_well_formed(g);
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "a_dw", "a_dw_bn", "a_pw", "a_pw_bn", "b_dw", "b_dw_bn",
                                                  "b_dw_relu6", "b_pw", "b_pw_bn", "b_pw_relu6"}));
    EXPECT_EQ(layer(g, "b_dw").inputs, std::vector<int>{4});  // the second composite reads the first's last layer
    EXPECT_EQ(output_names(g), (std::vector<std::string>{"a_pw_bn", "b_pw_relu6"}));
}

// Keras' SeparableConv2D (Xception): depthwise straight into pointwise, then BN and ReLU.
TEST(ExpandComposites, SeparableConvWithoutDepthwiseNormalisation) {
    Graph g = expand_composites(parse_spec_text(
        spec("[8, 8, 3]", R"({"name": "k", "op": "separable_conv", "filters": 4, "normalize_depthwise": false, "activation": "relu"},
                            {"name": "p", "op": "separable_conv", "filters": 4, "normalize_depthwise": false, "batchnorm": false})",
             R"("k", "p")"),
        "test.json"));
    expect_well_formed(g);
    EXPECT_EQ(names(g), (std::vector<std::string>{"input", "k_dw", "k_pw", "k_pw_bn", "k_pw_relu", "p_dw", "p_pw"}));
    EXPECT_FALSE(layer(g, "k_dw").bias);
    EXPECT_EQ(layer(g, "k_dw").activation, Activation::None);
    EXPECT_FALSE(layer(g, "k_pw").bias);  // the BN shift is the bias
    EXPECT_FALSE(layer(g, "p_dw").bias);  // Keras' one bias is the pointwise conv's
    EXPECT_EQ(layer(g, "p_dw").activation, Activation::None);
    EXPECT_TRUE(layer(g, "p_pw").bias);
    EXPECT_EQ(layer(g, "p_pw").activation, Activation::Relu6);
}

TEST(ExpandComposites, GraphWithoutCompositesIsUnchanged) {
    Graph parsed = parse_spec_text(spec("[4, 4, 2]", R"({"name": "c", "op": "conv2d", "filters": 2, "kernel": 1},
                                                       {"name": "r", "op": "relu"})",
                                        R"("r", "c")"),
                                   "test.json");
    Graph g = expand_composites(parsed);
    EXPECT_EQ(names(g), names(parsed));
    EXPECT_EQ(g.outputs, parsed.outputs);
    EXPECT_EQ(layer(g, "r").inputs, std::vector<int>{1});
}

// ---------------------------------------------------------------------------------------
// fold_batchnorm and fuse_activations

TEST(FoldBatchNorm, FoldsAHandWorkedExample) {
    // One 1x1 conv, one channel, w = 2, b = 1, then BN gamma 3, beta 0.5, mean 1, var 3, eps 1:
    // s = 3 / sqrt(3 + 1) = 1.5; w' = 2 * 1.5 = 3; b' = 0.5 + (1 - 1) * 1.5 = 0.5.
    Graph g = build(spec("[2, 2, 1]", R"({"name": "c", "op": "conv2d", "filters": 1, "kernel": 1},
                                       {"name": "bn", "op": "batchnorm", "epsilon": 1})",
                         R"("bn")"));
    Layer &c = g.layers[1];
    c.params.at("weight").data = {2.0f};
    c.params.at("bias").data = {1.0f};
    Layer &bn = g.layers[2];
    bn.params.at("gamma").data = {3.0f};
    bn.params.at("beta").data = {0.5f};
    bn.params.at("mean").data = {1.0f};
    bn.params.at("var").data = {3.0f};

    Graph f = fold_batchnorm(g);
    ASSERT_EQ(f.layers.size(), 2u);
    EXPECT_EQ(f.layers[1].name, "c");
    EXPECT_EQ(f.outputs, std::vector<int>{1});
    EXPECT_TRUE(f.layers[1].bias);
    EXPECT_FLOAT_EQ(f.layers[1].params.at("weight").data[0], 3.0f);
    EXPECT_FLOAT_EQ(f.layers[1].params.at("bias").data[0], 0.5f);
    // Input 2: BN((2*2 + 1)) = 3 * (5 - 1) / 2 + 0.5 = 6.5; folded 3*2 + 0.5 = 6.5.
    auto out = run_reference(f, {2.0f, 0.0f, -1.0f, 1.0f});
    EXPECT_EQ(out[0], (std::vector<float>{6.5f, 0.5f, -2.5f, 3.5f}));

    // Without a bias of its own the conv gets one: b' = 0.5 + (0 - 1) * 1.5 = -1.
    g.layers[1].bias = false;
    g.layers[1].params.erase("bias");
    f = fold_batchnorm(g);
    EXPECT_TRUE(f.layers[1].bias);
    EXPECT_FLOAT_EQ(f.layers[1].params.at("bias").data[0], -1.0f);
    EXPECT_FLOAT_EQ(g.layers[1].params.at("weight").data[0], 2.0f);  // the argument is left alone
    EXPECT_FALSE(g.layers[1].bias);
}

TEST(FoldBatchNorm, ConvDepthwiseDenseChainAgreesWithReference) {
    Graph g = build(spec("[9, 9, 5]", R"({"name": "c1", "op": "conv2d", "filters": 8, "kernel": 3, "stride": 2,
                                         "padding": "same", "bias": false},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "r1", "op": "relu6"},
                                        {"name": "dw", "op": "depthwise_conv2d", "kernel": 3, "padding": "same"},
                                        {"name": "bn2", "op": "batchnorm"},
                                        {"name": "r2", "op": "relu"},
                                        {"name": "fc", "op": "dense", "units": 7},
                                        {"name": "bn3", "op": "batchnorm", "epsilon": 0.001})",
                         R"("bn3")", 42));
    EXPECT_EQ(layer(g, "c1").out, (Shape{5, 5, 8}));
    Graph o = optimise(g);
    expect_well_formed(o);
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "c1", "dw", "fc"}));
    EXPECT_EQ(count_ops(o, OpKind::BatchNorm), 0);
    EXPECT_EQ(count_ops(o, OpKind::Relu6), 0);
    EXPECT_EQ(count_ops(o, OpKind::Relu), 0);
    EXPECT_EQ(layer(o, "c1").activation, Activation::Relu6);
    EXPECT_EQ(layer(o, "dw").activation, Activation::Relu);
    EXPECT_EQ(layer(o, "fc").activation, Activation::None);
    EXPECT_TRUE(layer(o, "c1").bias);
    EXPECT_EQ(layer(o, "c1").params.at("bias").shape, std::vector<int64_t>{8});
    EXPECT_EQ(output_names(o), std::vector<std::string>{"fc"});  // the output followed its BN into fc
    expect_same_outputs(g, o);

    // The unoptimised graph is left alone.
    EXPECT_EQ(count_ops(g, OpKind::BatchNorm), 3);
    EXPECT_FALSE(layer(g, "c1").bias);
}

TEST(FoldBatchNorm, GroupedConvAndDepthwiseMultiplier) {
    // Per-output-channel scaling must follow (out, in/groups, kh, kw) and (c*m, 1, kh, kw).
    Graph g = build(spec("[6, 7, 4]", R"({"name": "g", "op": "conv2d", "filters": 6, "kernel": 3, "groups": 2,
                                         "padding": "same"},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "dw", "op": "depthwise_conv2d", "kernel": [3, 1], "stride": [1, 2],
                                         "multiplier": 2, "bias": false},
                                        {"name": "bn2", "op": "batchnorm"},
                                        {"name": "r", "op": "relu6"},
                                        {"name": "gap", "op": "global_avgpool"},
                                        {"name": "fc", "op": "dense", "units": 3, "bias": false},
                                        {"name": "bn3", "op": "batchnorm"},
                                        {"name": "sm", "op": "softmax"})",
                         R"("sm")", 5));
    Graph o = optimise(g);
    expect_well_formed(o);
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "g", "dw", "gap", "fc", "sm"}));
    EXPECT_EQ(layer(o, "dw").activation, Activation::Relu6);
    expect_same_outputs(g, o);
}

TEST(FoldBatchNorm, SeparableConvsFoldCompletely) {
    Graph g = build(spec("[10, 10, 3]", R"({"name": "s1", "op": "separable_conv", "filters": 8, "stride": 2},
                                          {"name": "s2", "op": "separable_conv", "filters": 4, "multiplier": 2,
                                           "activation": "relu"},
                                          {"name": "gap", "op": "global_avgpool"})",
                         R"("gap", "s1")", 9));
    Graph o = optimise(g);
    expect_well_formed(o);
    // Every BN folds and every activation fuses, including s1_pw_relu6, the output that
    // named s1: the output moves to s1_pw, whose fused value is the same.
    EXPECT_EQ(count_ops(o, OpKind::BatchNorm), 0);
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "s1_dw", "s1_pw", "s2_dw", "s2_pw", "gap"}));
    EXPECT_EQ(layer(o, "s1_dw").activation, Activation::Relu6);
    EXPECT_EQ(layer(o, "s1_pw").activation, Activation::Relu6);
    EXPECT_EQ(layer(o, "s2_dw").activation, Activation::Relu);
    EXPECT_EQ(layer(o, "s2_pw").activation, Activation::Relu);
    EXPECT_EQ(layer(o, "s2_dw").inputs, std::vector<int>{o.find("s1_pw")});
    EXPECT_EQ(output_names(o), (std::vector<std::string>{"gap", "s1_pw"}));
    expect_same_outputs(g, o);
}

TEST(FoldBatchNorm, ProducerWithAnotherReaderIsNotFolded) {
    // c1 feeds both bn1 and c2: scaling c1's weights would change what c2 sees.
    Graph g = build(spec("[6, 6, 3]", R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "r1", "op": "relu6"},
                                        {"name": "c2", "op": "conv2d", "filters": 2, "kernel": 1, "input": "c1"},
                                        {"name": "r2", "op": "relu"})",
                         R"("r1", "r2")", 3));
    Graph o = optimise(g);
    expect_well_formed(o);
    EXPECT_EQ(count_ops(o, OpKind::BatchNorm), 1);
    EXPECT_EQ(layer(o, "bn1").inputs, std::vector<int>{o.find("c1")});
    EXPECT_EQ(layer(o, "c1").activation, Activation::None);
    EXPECT_EQ(count_ops(o, OpKind::Relu6), 1);  // r1 reads a BN: nothing to fuse into
    EXPECT_EQ(layer(o, "c2").activation, Activation::Relu);
    EXPECT_EQ(o.find("r2"), -1);
    EXPECT_EQ(output_names(o), (std::vector<std::string>{"r1", "c2"}));
    expect_same_outputs(g, o);
}

TEST(FoldBatchNorm, ProducerThatIsAnOutputIsNotFolded) {
    Graph g = build(spec("[6, 6, 3]", R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "c2", "op": "conv2d", "filters": 4, "kernel": 1},
                                        {"name": "r2", "op": "relu6"})",
                         R"("c1", "bn1", "c2")", 4));
    Graph o = optimise(g);
    expect_well_formed(o);
    EXPECT_EQ(count_ops(o, OpKind::BatchNorm), 1);
    EXPECT_EQ(layer(o, "bn1").inputs, std::vector<int>{o.find("c1")});
    // c2 is an output too: r2 stays a layer of its own (it is dead, but that is not these passes' job).
    EXPECT_EQ(layer(o, "c2").activation, Activation::None);
    EXPECT_GE(o.find("r2"), 0);
    EXPECT_EQ(output_names(o), (std::vector<std::string>{"c1", "bn1", "c2"}));
    expect_same_outputs(g, o);
}

TEST(FoldBatchNorm, BatchNormAfterTheInputIsNotFolded) {
    Graph g = build(spec("[5, 5, 3]", R"({"name": "bn0", "op": "batchnorm"},
                                        {"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "r1", "op": "relu"})",
                         R"("r1")", 6));
    Graph o = optimise(g);
    expect_well_formed(o);
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "bn0", "c1"}));
    EXPECT_EQ(layer(o, "bn0").inputs, std::vector<int>{0});
    EXPECT_EQ(layer(o, "c1").activation, Activation::Relu);
    expect_same_outputs(g, o);
}

TEST(FoldBatchNorm, ProducerWithAnActivationIsNotFolded) {
    // BN(relu(conv)) is not a scaling of the conv's weights.
    Graph g = build(spec("[6, 6, 3]", R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
                                        {"name": "bn1", "op": "batchnorm"},
                                        {"name": "bn2", "op": "batchnorm"},
                                        {"name": "r", "op": "relu6"})",
                         R"("r")", 7));
    Graph o = optimise(g);
    expect_well_formed(o);
    // Neither BN can fold (the second reads a BN), and relu6 has no conv to move into.
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "c1", "bn1", "bn2", "r"}));
    expect_same_outputs(g, o);
}

TEST(FuseActivations, DoesNotFuseIntoALayerWithAnActivation) {
    Graph g = build(spec("[4, 4, 2]", R"({"name": "c", "op": "conv2d", "filters": 3, "kernel": 1, "activation": "relu6"},
                                        {"name": "r", "op": "relu"},
                                        {"name": "p", "op": "avgpool", "kernel": 2},
                                        {"name": "r2", "op": "relu6"})",
                         R"("r2")", 8));
    Graph o = fuse_activations(g);
    EXPECT_EQ(names(o), names(g));  // a second activation and an activation after a pool both stay
    expect_same_outputs(g, o);
}

TEST(RemoveDeadLayers, DropsUnreadLayersAndRenumbers) {
    Graph g = build(spec("[4, 4, 2]", R"({"name": "a", "op": "conv2d", "filters": 3, "kernel": 1},
                                        {"name": "dead", "op": "relu"},
                                        {"name": "b", "op": "relu6", "input": "a"},
                                        {"name": "dead2", "op": "softmax", "input": "input"})",
                         R"("b")"));
    Graph o = remove_dead_layers(g);
    expect_well_formed(o);
    EXPECT_EQ(names(o), (std::vector<std::string>{"input", "a", "b"}));
    EXPECT_EQ(layer(o, "b").inputs, std::vector<int>{1});
    EXPECT_EQ(o.outputs, std::vector<int>{2});
    expect_same_outputs(g, o);
}

}  // namespace
}  // namespace netc

namespace netc {
namespace {

Graph with_divisor(int divisor, double alpha, int size) {
    const std::string text = R"({"netc": 1, "name": "m", "input": {"shape": [32, 32, 3]}, "weights": {"init": "random", "seed": 1},
        "width_divisor": )" + std::to_string(divisor) + R"(,
        "layers": [{"name": "a", "op": "conv2d", "filters": 24, "kernel": 1},
                   {"name": "b", "op": "conv2d", "filters": 32, "kernel": 1},
                   {"name": "head", "op": "conv2d", "filters": 10, "kernel": 1, "scale_width": false},
                   {"name": "fc", "op": "dense", "units": 7}],
        "outputs": ["fc"]})";
    return apply_multipliers(parse_spec_text(text, "m.json"), alpha, size);
}

TEST(ApplyMultipliers, FloorRoundingAsKerasMobileNetV1) {
    Graph g = with_divisor(1, 0.75, 0);
    EXPECT_EQ(g.layers[1].filters, 18);  // int(24 * 0.75)
    EXPECT_EQ(g.layers[2].filters, 24);  // int(32 * 0.75)
    EXPECT_EQ(g.layers[3].filters, 10);  // scale_width: false
    EXPECT_EQ(g.layers[4].filters, 7);   // dense units never scale
    EXPECT_EQ(g.name, "m_a075_32");
}

TEST(ApplyMultipliers, MakeDivisibleBy8AsMobileNetV2) {
    // 24 * 0.75 = 18 → nearest multiple of 8 is 16, but 16 < 0.9 * 18, so 24.
    // 32 * 0.35 = 11.2 → 8, below 0.9 * 11.2, so 16.
    Graph g = with_divisor(8, 0.75, 0);
    EXPECT_EQ(g.layers[1].filters, 24);
    EXPECT_EQ(g.layers[2].filters, 24);  // 32 * 0.75 = 24 exactly
    g = with_divisor(8, 0.35, 0);
    EXPECT_EQ(g.layers[1].filters, 8);   // 24 * 0.35 = 8.4 → 8 (≥ 0.9 * 8.4)
    EXPECT_EQ(g.layers[2].filters, 16);
}

TEST(ApplyMultipliers, InputSizeAndIdentity) {
    Graph g = with_divisor(1, 1.0, 20);
    EXPECT_EQ(g.input.shape.h, 20);
    EXPECT_EQ(g.input.shape.w, 20);
    EXPECT_EQ(g.name, "m_a100_20");
    Graph same = with_divisor(1, 1.0, 0);
    EXPECT_EQ(same.name, "m");  // no multiplier: the model keeps its name
    EXPECT_THROW(with_divisor(1, 5.0, 0), CompileError);
}

}  // namespace
}  // namespace netc
