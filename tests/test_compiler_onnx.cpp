// ONNX import and export inside the compiler: netc export writes a network, netc import reads
// it back, and the result must be the same network: the same ops in the same order (so the
// importer recognised Clip(0, 6), x·HardSigmoid(x), Conv + BatchNormalization and
// squeeze-excite, and the same fusions follow) and the same numbers from the reference
// interpreter. ONNX Runtime's view of both directions is tested in tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <string>

#include "onnx/export_onnx.h"
#include "onnx/import_onnx.h"
#include "passes/passes.h"
#include "reference/reference.h"
#include "spec/load_model.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {
namespace {

std::string temp_path(const std::string &suffix) {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    return ::testing::TempDir() + "netc_" + std::to_string(getpid()) + "_" + info->name() + suffix;
}

Graph from_spec(const std::string &input_shape, const std::string &layers, const std::string &outputs) {
    const std::string text = R"({"netc": 1, "name": "t", "input": {"name": "image", "shape": )" + input_shape +
                             R"(}, "weights": {"init": "random", "seed": 3}, "layers": [)" + layers + R"(], "outputs": [)" + outputs + "]}";
    return bind_weights(resolve_detection(infer_shapes(expand_composites(parse_spec_text(text, "t.json")))));
}

// The ops in order; with `split`, an activation fused into a conv or dense layer (a spec's
// "activation" field) counts as its own op, as it is in ONNX.
std::vector<std::string> ops(const Graph &g, bool split = false) {
    std::vector<std::string> out;
    for (const Layer &l : g.layers) {
        const bool fused = l.activation != Activation::None;
        out.push_back(std::string(op_name(l.op)) + (fused && !split ? "+" + std::string(activation_name(l.activation)) : ""));
        if (fused && split) out.push_back(activation_name(l.activation));
    }
    return out;
}

std::vector<float> seeded(size_t n) {
    std::vector<float> v(n);
    uint32_t s = 99;
    for (float &x : v) x = float((s = s * 1664525u + 1013904223u) >> 8) / 8388608.0f - 1.0f;
    return v;
}

// Export, import, and compare structure and numbers.
void expect_round_trip(const Graph &g) {
    const std::string path = temp_path(".onnx");
    export_onnx(g, path);
    const OnnxImport im = import_onnx(path);
    const Graph back = infer_shapes(im.graph);
    EXPECT_EQ(ops(back, true), ops(g, true)) << "the imported graph is not the exported one";
    EXPECT_EQ(ops(optimize(back)), ops(optimize(g))) << "the imported graph does not fuse as the original does";
    const auto input = seeded(size_t(g.input.shape.elements()));
    const auto want = run_reference(g, input), got = run_reference(back, input);
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < want.size(); o++) {
        ASSERT_EQ(got[o].size(), want[o].size());
        double max_diff = 0, max_ref = 0;
        for (size_t i = 0; i < want[o].size(); i++) {
            max_diff = std::max(max_diff, std::fabs(double(got[o][i]) - want[o][i]));
            max_ref = std::max(max_ref, std::fabs(double(want[o][i])));
        }
        EXPECT_LE(max_diff, 1e-6 * std::max(max_ref, 1.0)) << "output " << o;
    }
    std::remove(path.c_str());
}

TEST(OnnxRoundTrip, MobileNetV3BlockWithSqueezeExcite) {
    // Conv + BN + h-swish, an inverted residual with squeeze-excite and a residual add,
    // global pool, dense + relu6, dense, softmax.
    expect_round_trip(from_spec("[12, 10, 8]", R"(
        {"name": "stem", "op": "conv2d", "filters": 16, "kernel": 3, "padding": [1, 1, 1, 1], "bias": false},
        {"name": "stem_bn", "op": "batchnorm"}, {"name": "stem_act", "op": "hswish"},
        {"name": "b1", "op": "inverted_residual", "expand_channels": 32, "filters": 16, "kernel": 5, "padding": [2, 2, 2, 2],
         "activation": "hswish", "se_channels": 8},
        {"name": "pool", "op": "global_avgpool"},
        {"name": "fc1", "op": "dense", "units": 20, "activation": "relu6"},
        {"name": "fc2", "op": "dense", "units": 5}, {"name": "prob", "op": "softmax"})",
                                R"("prob", "fc2")"));
}

TEST(OnnxRoundTrip, DenseOnASpatialTensorAndPools) {
    // A dense layer reading a 3x2x6 map: ONNX flattens CHW, netc HWC; the weight columns are
    // permuted on the way out and back. Pools, a stride-2 depthwise, a concat.
    expect_round_trip(from_spec("[9, 7, 3]", R"(
        {"name": "c", "op": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": "same", "activation": "relu"},
        {"name": "dw", "op": "depthwise_conv2d", "kernel": 3, "multiplier": 2, "padding": "same", "activation": "relu6"},
        {"name": "mp", "op": "maxpool", "kernel": 3, "stride": 1, "padding": "same", "input": "c"},
        {"name": "cat", "op": "concat", "inputs": ["dw", "mp"]},
        {"name": "ap", "op": "avgpool", "kernel": 2, "stride": 2, "padding": "same"},
        {"name": "fc", "op": "dense", "units": 7, "activation": "sigmoid"})",
                                R"("fc", "ap")"));
}

TEST(OnnxImport, KeepsNodeNamesAndNamesOutputsAfterOnnx) {
    const Graph g = from_spec("[6, 6, 3]", R"({"name": "conv_a", "op": "conv2d", "filters": 4, "kernel": 1},
        {"name": "relu_b", "op": "relu"})",
                              R"("relu_b")");
    const std::string path = temp_path(".onnx");
    export_onnx(g, path);
    const OnnxImport im = import_onnx(path);
    ASSERT_EQ(im.graph.layers.size(), 3u);
    EXPECT_EQ(im.graph.layers[0].name, "image");
    EXPECT_EQ(im.graph.layers[1].name, "conv_a");  // the exporter names nodes after layers
    EXPECT_EQ(im.graph.layers[2].name, "relu_b");
    ASSERT_EQ(im.outputs.size(), 1u);
    EXPECT_TRUE(im.outputs[0].nchw);
    EXPECT_EQ(im.outputs[0].onnx_shape, (std::vector<int64_t>{1, 4, 6, 6}));
    EXPECT_EQ(im.opset, 13);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace netc
