// The reference interpreter is the oracle every other test trusts, so its own tests use
// expected values worked out by hand (the arithmetic is written next to each case).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "reference/reference.h"
#include "spec/diagnostic.h"

namespace netc {
namespace {

Tensor tensor(std::vector<int64_t> shape, std::vector<float> data) {
    Tensor t;
    t.shape = std::move(shape);
    t.data = std::move(data);
    return t;
}

Layer make_layer(OpKind op, Shape out) {
    Layer l;
    l.name = "op";
    l.op = op;
    l.out = out;
    l.origin = "layers[0]";
    return l;
}

// An input layer followed by `op`, which is the graph's only output.
Graph single_op_graph(Shape in, Layer op) {
    Graph g;
    g.name = "test";
    g.spec_file = "test.json";
    g.input.shape = in;

    Layer input;
    input.name = "input";
    input.op = OpKind::Input;
    input.out = in;

    op.inputs = {0};
    g.layers = {input, op};
    g.outputs = {1};
    return g;
}

std::vector<float> run_single(const Graph &g, const std::vector<float> &input) {
    std::vector<std::vector<float>> outs = run_reference(g, input);
    EXPECT_EQ(outs.size(), 1u);
    return outs.empty() ? std::vector<float>{} : outs[0];
}

void expect_near(const std::vector<float> &actual, const std::vector<float> &expected, float tol = 1e-5f) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); i++) EXPECT_NEAR(actual[i], expected[i], tol) << "at index " << i;
}

TEST(Reference, Conv1x1WithBias) {
    // 1x2 image, 2 channels: pixel0 = (1, 2), pixel1 = (3, 4).
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 2, 3});
    conv.filters = 3;
    conv.bias = true;
    conv.params["weight"] = tensor({3, 2, 1, 1}, {1, 1,  //
                                                  2, -1,  //
                                                  0.5f, 0});
    conv.params["bias"] = tensor({3}, {0.5f, 0, -1});
    Graph g = single_op_graph(Shape{1, 2, 2}, conv);

    // pixel0: 1+2+0.5 = 3.5, 2-2+0 = 0, 0.5-1 = -0.5
    // pixel1: 3+4+0.5 = 7.5, 6-4+0 = 2, 1.5-1 = 0.5
    expect_near(run_single(g, {1, 2, 3, 4}), {3.5f, 0, -0.5f, 7.5f, 2, 0.5f});
}

TEST(Reference, Conv3x3Stride2AsymmetricPadding) {
    // TensorFlow 'same' on a 4x4 input with a 3x3 kernel, stride 2: total pad 1,
    // all of it at the bottom/right. Output (4 + 0 + 1 - 3) / 2 + 1 = 2.
    Layer conv = make_layer(OpKind::Conv2D, Shape{2, 2, 1});
    conv.filters = 1;
    conv.kernel_h = conv.kernel_w = 3;
    conv.stride_h = conv.stride_w = 2;
    conv.padding.mode = Padding::Same;
    conv.padding.top = 0, conv.padding.left = 0, conv.padding.bottom = 1, conv.padding.right = 1;
    conv.params["weight"] = tensor({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
    Graph g = single_op_graph(Shape{4, 4, 1}, conv);

    // Input v(y, x) = 4y + x + 1:
    //    1  2  3  4
    //    5  6  7  8
    //    9 10 11 12
    //   13 14 15 16
    std::vector<float> input;
    for (int i = 1; i <= 16; i++) input.push_back(float(i));

    // (0,0): rows 0-2, cols 0-2 = 6 + 18 + 30 = 54. Had the pad gone top/left, this
    //        window would be rows -1..1, cols -1..1 = 1+2+5+6 = 14.
    // (0,1): rows 0-2, cols 2-3 (col 4 is padding) = 7 + 15 + 23 = 45
    // (1,0): rows 2-3 (row 4 is padding), cols 0-2 = 30 + 42 = 72
    // (1,1): rows 2-3, cols 2-3 = 11 + 12 + 15 + 16 = 54
    expect_near(run_single(g, input), {54, 45, 72, 54});
}

TEST(Reference, GroupedConv) {
    // 4 input channels, 2 groups: output channels 0,1 read inputs 0,1; 2,3 read inputs 2,3.
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 1, 4});
    conv.filters = 4;
    conv.groups = 2;
    conv.params["weight"] = tensor({4, 2, 1, 1}, {1, 10,  //
                                                  2, 0,   //
                                                  1, 10,  //
                                                  0, 2});
    Graph g = single_op_graph(Shape{1, 1, 4}, conv);

    // co0 = 1*1 + 10*2 = 21     co1 = 2*1 = 2
    // co2 = 1*3 + 10*4 = 43     co3 = 2*4 = 8
    // (Picking the group as co % groups would give co1 = 2*3 = 6.)
    expect_near(run_single(g, {1, 2, 3, 4}), {21, 2, 43, 8});
}

TEST(Reference, Dilation2) {
    // 5x5 input, 3x3 kernel with dilation 2 spans 5x5: one output.
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 1, 1});
    conv.filters = 1;
    conv.kernel_h = conv.kernel_w = 3;
    conv.dilation_h = conv.dilation_w = 2;
    conv.params["weight"] = tensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Graph g = single_op_graph(Shape{5, 5, 1}, conv);

    // Input v(y, x) = 5y + x; taps at rows/cols 0, 2, 4:
    //   row 0: 0  2  4    row 2: 10 12 14    row 4: 20 22 24
    // 1*0 + 2*2 + 3*4 + 4*10 + 5*12 + 6*14 + 7*20 + 8*22 + 9*24 = 16 + 184 + 532 = 732
    std::vector<float> input;
    for (int i = 0; i < 25; i++) input.push_back(float(i));
    expect_near(run_single(g, input), {732});
}

TEST(Reference, DepthwiseMultiplier2) {
    // 1x2 image, 2 channels: pixel0 = (1, 2), pixel1 = (3, 4); 1x2 kernel, valid.
    Layer dw = make_layer(OpKind::DepthwiseConv2D, Shape{1, 1, 4});
    dw.multiplier = 2;
    dw.kernel_h = 1, dw.kernel_w = 2;
    dw.bias = true;
    dw.params["weight"] = tensor({4, 1, 1, 2}, {1, 10,   // co0 reads channel 0
                                                2, 20,   // co1 reads channel 0
                                                3, 30,   // co2 reads channel 1
                                                -1, 1}); // co3 reads channel 1
    dw.params["bias"] = tensor({4}, {0.5f, 0, 0, -0.5f});
    Graph g = single_op_graph(Shape{1, 2, 2}, dw);

    // co0 = 1*1 + 10*3 + 0.5 = 31.5     co1 = 2*1 + 20*3 = 62
    // co2 = 3*2 + 30*4 = 126            co3 = -1*2 + 1*4 - 0.5 = 1.5
    // (Reading channel co % C would give co1 = 2*2 + 20*4 = 84.)
    expect_near(run_single(g, {1, 2, 3, 4}), {31.5f, 62, 126, 1.5f});
}

TEST(Reference, BatchNorm) {
    Layer bn = make_layer(OpKind::BatchNorm, Shape{1, 2, 2});
    bn.epsilon = 1.0f;  // large, so that forgetting it changes the answer
    bn.params["gamma"] = tensor({2}, {3, 0.5f});
    bn.params["beta"] = tensor({2}, {1, -1});
    bn.params["mean"] = tensor({2}, {1, 2});
    bn.params["var"] = tensor({2}, {3, 15});  // sqrt(3+1) = 2, sqrt(15+1) = 4
    Graph g = single_op_graph(Shape{1, 2, 2}, bn);

    // c0: 3*(x-1)/2 + 1      x=1 -> 1        x=3 -> 4
    // c1: 0.5*(x-2)/4 - 1    x=-2 -> -1.5    x=4 -> -0.75
    expect_near(run_single(g, {1, -2, 3, 4}), {1, -1.5f, 4, -0.75f});
}

TEST(Reference, Relu6Clamps) {
    Graph g = single_op_graph(Shape{1, 1, 5}, make_layer(OpKind::Relu6, Shape{1, 1, 5}));
    expect_near(run_single(g, {-3, 0, 2.5f, 6, 7.5f}), {0, 0, 2.5f, 6, 6});
}

TEST(Reference, Relu) {
    Graph g = single_op_graph(Shape{1, 1, 4}, make_layer(OpKind::Relu, Shape{1, 1, 4}));
    expect_near(run_single(g, {-3, 0, 2.5f, 7.5f}), {0, 0, 2.5f, 7.5f});
}

TEST(Reference, GlobalAvgPool) {
    Graph g = single_op_graph(Shape{2, 2, 2}, make_layer(OpKind::GlobalAvgPool, Shape{1, 1, 2}));
    // c0: (1 + 2 + 3 + 6) / 4 = 3     c1: (10 + 20 + 30 - 60) / 4 = 0
    expect_near(run_single(g, {1, 10, 2, 20, 3, 30, 6, -60}), {3, 0});
}

TEST(Reference, AvgPoolExcludesPadding) {
    Layer pool = make_layer(OpKind::AvgPool, Shape{3, 3, 1});
    pool.kernel_h = pool.kernel_w = 3;
    pool.padding.mode = Padding::Same;
    pool.padding.top = pool.padding.left = pool.padding.bottom = pool.padding.right = 1;
    Graph g = single_op_graph(Shape{3, 3, 1}, pool);

    // Input 1..9 row-major. Corner (0,0) covers 1,2,4,5 -> 12/4 = 3 (counting the
    // padding would give 12/9). Edge (0,1) covers 1..6 -> 21/6 = 3.5. Centre 45/9 = 5.
    //   (0,2) 2+3+5+6 = 16/4 = 4      (1,0) 1+2+4+5+7+8 = 27/6 = 4.5   (1,2) 33/6 = 5.5
    //   (2,0) 4+5+7+8 = 24/4 = 6      (2,1) 4+5+6+7+8+9 = 39/6 = 6.5   (2,2) 28/4 = 7
    expect_near(run_single(g, {1, 2, 3, 4, 5, 6, 7, 8, 9}), {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7});
}

TEST(Reference, HardActivationsAndSigmoid) {
    // hsigmoid(x) = clamp(x + 3, 0, 6) / 6; hswish(x) = x * hsigmoid(x)
    //   x = -4 -> 0, 0      x = -1.5 -> 0.25, -0.375      x = 0 -> 0.5, 0      x = 3 -> 1, 3
    std::vector<float> x = {-4, -1.5f, 0, 3};
    expect_near(run_single(single_op_graph(Shape{1, 1, 4}, make_layer(OpKind::HSigmoid, Shape{1, 1, 4})), x), {0, 0.25f, 0.5f, 1});
    expect_near(run_single(single_op_graph(Shape{1, 1, 4}, make_layer(OpKind::HSwish, Shape{1, 1, 4})), x), {0, -0.375f, 0, 3});
    // sigmoid(0) = 0.5, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4
    expect_near(run_single(single_op_graph(Shape{1, 1, 3}, make_layer(OpKind::Sigmoid, Shape{1, 1, 3})), {0, std::log(3.0f), -std::log(3.0f)}),
                {0.5f, 0.75f, 0.25f});
}

TEST(Reference, MaxPoolIgnoresPaddingEvenWhenAllNegative) {
    Layer pool = make_layer(OpKind::MaxPool, Shape{2, 2, 1});
    pool.kernel_h = pool.kernel_w = 3;
    pool.stride_h = pool.stride_w = 2;
    pool.padding.mode = Padding::Same;  // 3x3 input, stride 2: out 2x2, pads 1 on every side
    pool.padding.top = pool.padding.left = pool.padding.bottom = pool.padding.right = 1;
    Graph g = single_op_graph(Shape{3, 3, 1}, pool);
    // Input -1..-9 row-major. (0,0) covers -1,-2,-4,-5 -> -1 (zero padding would give 0).
    // (0,1) covers -2,-3,-5,-6 -> -2; (1,0) -4,-5,-7,-8 -> -4; (1,1) -5,-6,-8,-9 -> -5.
    expect_near(run_single(g, {-1, -2, -3, -4, -5, -6, -7, -8, -9}), {-1, -2, -4, -5});
}

// Builds input → (a: relu) and applies `op` to (input, a); a is relu(input).
Graph two_input_graph(Shape in, OpKind op, Shape out) {
    Graph g = single_op_graph(in, make_layer(OpKind::Relu, in));
    Layer l = make_layer(op, out);
    l.name = "combined";
    l.inputs = {0, 1};
    g.layers.push_back(l);
    g.outputs = {2};
    return g;
}

TEST(Reference, AddMulConcat) {
    const std::vector<float> x = {-1, 2, -3, 4};  // 1x2x2: pixel 0 = (-1, 2), pixel 1 = (-3, 4); relu: (0, 2), (0, 4)
    expect_near(run_single(two_input_graph(Shape{1, 2, 2}, OpKind::Add, Shape{1, 2, 2}), x), {-1, 4, -3, 8});
    expect_near(run_single(two_input_graph(Shape{1, 2, 2}, OpKind::Mul, Shape{1, 2, 2}), x), {0, 4, 0, 16});
    // Concat along channels: pixel 0 = (-1, 2, 0, 2), pixel 1 = (-3, 4, 0, 4).
    expect_near(run_single(two_input_graph(Shape{1, 2, 2}, OpKind::Concat, Shape{1, 2, 4}), x), {-1, 2, 0, 2, -3, 4, 0, 4});
}

TEST(Reference, MulBroadcastsAChannelGate) {
    // x is 1x2x2, the gate its global average pool 1x1x2: c0 = (-1 - 3)/2 = -2, c1 = (2 + 4)/2 = 3.
    Graph g = single_op_graph(Shape{1, 2, 2}, make_layer(OpKind::GlobalAvgPool, Shape{1, 1, 2}));
    Layer l = make_layer(OpKind::Mul, Shape{1, 2, 2});
    l.name = "scaled";
    l.inputs = {0, 1};
    g.layers.push_back(l);
    g.outputs = {2};
    expect_near(run_single(g, {-1, 2, -3, 4}), {2, 6, 6, 12});
}

TEST(Reference, DenseFlattensHwc) {
    // 2x2 image, 2 channels; HWC storage is the flatten order:
    //   (0,0) = (1, 2), (0,1) = (3, 4), (1,0) = (5, 6), (1,1) = (7, 8)
    Layer fc = make_layer(OpKind::Dense, Shape{1, 1, 2});
    fc.filters = 2;
    fc.bias = true;
    fc.params["weight"] = tensor({2, 8}, {0, 1, 0, 0, 0, 0, 0, 0,  //
                                          1, 2, 3, 4, 5, 6, 7, 8});
    fc.params["bias"] = tensor({2}, {0.5f, -4});
    Graph g = single_op_graph(Shape{2, 2, 2}, fc);

    // unit0 picks flat index 1 = pixel (0,0) channel 1 = 2; plus 0.5 = 2.5.
    //   (CHW order would put pixel (0,1) channel 0 = 3 there.)
    // unit1 = 1*1 + 2*2 + ... + 8*8 = 204; minus 4 = 200.
    //   (CHW order, [1,3,5,7,2,4,6,8], would give 190 - 4.)
    expect_near(run_single(g, {1, 2, 3, 4, 5, 6, 7, 8}), {2.5f, 200});
}

TEST(Reference, DenseFusedRelu) {
    Layer fc = make_layer(OpKind::Dense, Shape{1, 1, 2});
    fc.filters = 2;
    fc.activation = Activation::Relu;
    fc.params["weight"] = tensor({2, 2}, {1, 1, -1, -1});
    Graph g = single_op_graph(Shape{1, 1, 2}, fc);
    // unit0 = 1 + 2 = 3; unit1 = -3 -> 0
    expect_near(run_single(g, {1, 2}), {3, 0});
}

TEST(Reference, Softmax) {
    Graph g = single_op_graph(Shape{1, 2, 3}, make_layer(OpKind::Softmax, Shape{1, 2, 3}));
    // pixel0 (1, 2, 3): e^k / (e + e^2 + e^3) = 1/(1+e+e^2), e/(1+e+e^2), e^2/(1+e+e^2)
    //   1 + 2.718281828 + 7.389056099 = 11.107337927
    //   -> 0.090030573, 0.244728471, 0.665240956
    // pixel1 (1000, 1000, 1000): exp(1000) overflows unless the max is subtracted; 1/3 each.
    std::vector<float> out = run_single(g, {1, 2, 3, 1000, 1000, 1000});
    expect_near(out, {0.090030573f, 0.244728471f, 0.665240956f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f}, 1e-6f);
    EXPECT_NEAR(out[0] + out[1] + out[2], 1.0f, 1e-6f);
    EXPECT_NEAR(out[3] + out[4] + out[5], 1.0f, 1e-6f);
}

TEST(Reference, ConvFusedRelu6) {
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 1, 3});
    conv.filters = 3;
    conv.activation = Activation::Relu6;
    conv.params["weight"] = tensor({3, 1, 1, 1}, {-1, 2, 5});
    Graph g = single_op_graph(Shape{1, 1, 1}, conv);
    // 2 * (-1, 2, 5) = (-2, 4, 10) -> clamped to (0, 4, 6)
    expect_near(run_single(g, {2}), {0, 4, 6});
}

TEST(Reference, OutputsInGraphOrder) {
    // input -> relu -> softmax, with outputs listed softmax first.
    Graph g = single_op_graph(Shape{1, 1, 2}, make_layer(OpKind::Relu, Shape{1, 1, 2}));
    Layer sm = make_layer(OpKind::Softmax, Shape{1, 1, 2});
    sm.name = "softmax";
    sm.inputs = {1};
    g.layers.push_back(sm);
    g.outputs = {2, 1};

    // relu(-5, 0) = (0, 0); softmax of equal logits = (0.5, 0.5).
    std::vector<std::vector<float>> outs = run_reference(g, {-5, 0});
    ASSERT_EQ(outs.size(), 2u);
    expect_near(outs[0], {0.5f, 0.5f});
    expect_near(outs[1], {0, 0});
}

TEST(Reference, RejectsSeparableConv) {
    Layer sep = make_layer(OpKind::SeparableConv, Shape{1, 1, 1});
    sep.name = "block1";
    Graph g = single_op_graph(Shape{1, 1, 1}, sep);
    try {
        run_reference(g, {1});
        FAIL() << "expected CompileError";
    } catch (const CompileError &e) {
        EXPECT_EQ(e.diag.layer, "block1");
        EXPECT_NE(e.diag.message.find("expand_composites"), std::string::npos) << e.diag.message;
    }
}

TEST(Reference, RejectsWrongInputSize) {
    Graph g = single_op_graph(Shape{2, 2, 1}, make_layer(OpKind::Relu, Shape{2, 2, 1}));
    EXPECT_THROW(run_reference(g, {1, 2, 3}), CompileError);
}

TEST(Reference, RejectsMissingWeight) {
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 1, 1});
    conv.filters = 1;
    Graph g = single_op_graph(Shape{1, 1, 1}, conv);
    try {
        run_reference(g, {1});
        FAIL() << "expected CompileError";
    } catch (const CompileError &e) {
        EXPECT_EQ(e.diag.field, "op.weight");
    }
}

TEST(Reference, RejectsMisShapedWeight) {
    Layer conv = make_layer(OpKind::Conv2D, Shape{1, 1, 2});
    conv.filters = 2;
    conv.params["weight"] = tensor({1, 1, 1, 1}, {1});
    Graph g = single_op_graph(Shape{1, 1, 1}, conv);
    EXPECT_THROW(run_reference(g, {1}), CompileError);
}

}  // namespace
}  // namespace netc
