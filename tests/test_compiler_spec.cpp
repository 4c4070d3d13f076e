// Spec parsing, shape inference errors and weights: every bad input must end in a
// CompileError whose Diagnostic says which file, which layer and which field is wrong.
// Expected values (padding, shapes, messages' key facts) are worked out by hand.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "spec/parse_spec.h"
#include "spec/calibrate_batchnorm.h"
#include "spec/load_model.h"
#include "spec/safetensors.h"
#include "reference/reference.h"
#include "spec/weights.h"

namespace netc {
namespace {

const char *kFile = "nets/test.json";
const char *kRandomWeights = R"({"init": "random", "seed": 1})";

// A complete spec around `layers` (the inside of the JSON array).
std::string spec(const std::string &layers, const std::string &outputs, const std::string &weights = kRandomWeights,
                 const std::string &input = R"({"shape": [8, 8, 3]})") {
    return R"({"netc": 1, "name": "t", "input": )" + input + R"(, "weights": )" + weights + R"(, "layers": [)" + layers +
           R"(], "outputs": [)" + outputs + "]}";
}

// Runs `f`, which must throw a CompileError, and returns its diagnostic.
Diagnostic error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const CompileError &e) {
        EXPECT_EQ(std::string(e.what()), format(e.diag));
        return e.diag;
    } catch (const std::exception &e) {
        ADD_FAILURE() << "expected a CompileError, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected a CompileError, nothing was thrown";
    return {};
}

Diagnostic parse_error(const std::string &text) {
    return error_of([&] { parse_spec_text(text, kFile); });
}

// The front of the compiler: parse, expand, infer shapes, bind weights.
Graph build(const std::string &text, const std::string &file = kFile) {
    return bind_weights(infer_shapes(expand_composites(parse_spec_text(text, file))));
}

Graph shapes_of(const std::string &text) { return infer_shapes(expand_composites(parse_spec_text(text, kFile))); }

bool contains(const std::string &haystack, const std::string &needle) { return haystack.find(needle) != std::string::npos; }

#define EXPECT_CONTAINS(haystack, needle) \
    EXPECT_TRUE(contains((haystack), (needle))) << "'" << (haystack) << "' does not contain '" << (needle) << "'"

// A path for a scratch file, unique to this process and test.
std::string temp_path(const std::string &suffix) {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    return ::testing::TempDir() + "netc_" + std::to_string(getpid()) + "_" + info->name() + "_" + suffix;
}

std::string read_bytes(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string &path, const std::string &bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), std::streamsize(bytes.size()));
}

// A safetensors file written byte by byte: 8-byte little-endian header length, header, data.
void write_raw_safetensors(const std::string &path, const std::string &header, const std::string &data) {
    std::string bytes;
    uint64_t len = header.size();
    for (int i = 0; i < 8; i++) bytes += char((len >> (8 * i)) & 0xff);
    write_bytes(path, bytes + header + data);
}

std::string weights_file(const std::string &path) { return R"({"file": ")" + path + R"("})"; }

// One conv, "c1": 8x8x3 -> 3x3 kernel, 4 filters, with bias.
const char *kOneConv = R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3})";

// ---------------------------------------------------------------------------------------
// Parse errors.

TEST(SpecErrors, MalformedJsonGivesLineAndColumn) {
    // The second comma on line 3 is column 15: two spaces, "name" (6), ':', ' ', "t" (3), ','.
    Diagnostic d = parse_error("{\n  \"netc\": 1,\n  \"name\": \"t\",,\n}");
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "");
    EXPECT_CONTAINS(d.message, "malformed JSON");
    EXPECT_CONTAINS(d.message, "line 3");
    EXPECT_CONTAINS(d.message, "column 15");
    EXPECT_FALSE(contains(d.message, "[json.exception")) << d.message;
}

TEST(SpecErrors, UnknownOpSuggestsTheClosestOne) {
    Diagnostic d = parse_error(spec(R"({"name": "c1", "op": "conv2", "filters": 4, "kernel": 3})", R"("c1")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].op");
    EXPECT_CONTAINS(d.message, "conv2");
    EXPECT_CONTAINS(d.message, "did you mean 'conv2d'");
    EXPECT_CONTAINS(d.message, "depthwise_conv2d");  // the list of known ops
}

TEST(SpecErrors, UnknownOpFarFromAnyGetsNoSuggestion) {
    Diagnostic d = parse_error(spec(R"({"name": "x", "op": "transformer"})", R"("x")"));
    EXPECT_EQ(d.layer, "x");
    EXPECT_EQ(d.field, "layers[0].op");
    EXPECT_FALSE(contains(d.message, "did you mean")) << d.message;
}

TEST(SpecErrors, MissingRequiredField) {
    Diagnostic d = parse_error(spec(kOneConv + std::string(R"(, {"name": "c2", "op": "conv2d", "filters": 4})"), R"("c2")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c2");
    EXPECT_EQ(d.field, "layers[1].kernel");
    EXPECT_CONTAINS(d.message, "missing required field");
    EXPECT_EQ(format(d), "nets/test.json: layer 'c2': field 'layers[1].kernel': missing required field");
}

// The decoder ops' fields: every bad value names its layer and field.
TEST(SpecErrors, DecoderOpFields) {
    Diagnostic d = parse_error(spec(R"({"name": "p", "op": "pad", "padding": [1, 1, 1, 1], "mode": "wrap"})", R"("p")"));
    EXPECT_EQ(d.field, "layers[0].mode");
    EXPECT_CONTAINS(d.message, "expected \"constant\", \"edge\" or \"reflect\", got \"wrap\"");
    d = parse_error(spec(R"({"name": "p", "op": "pad", "mode": "edge"})", R"("p")"));
    EXPECT_EQ(d.field, "layers[0].padding");
    d = parse_error(spec(R"({"name": "s", "op": "softmax", "axis": "depth"})", R"("s")"));
    EXPECT_EQ(d.field, "layers[0].axis");
    d = parse_error(spec(R"({"name": "u", "op": "conv_transpose2d", "filters": 4, "kernel": 3, "output_padding": -1})", R"("u")"));
    EXPECT_EQ(d.field, "layers[0].output_padding");
    d = parse_error(spec(R"({"name": "u", "op": "conv_transpose2d", "filters": 4, "kernel": 3, "padding": "same"})", R"("u")"));
    EXPECT_EQ(d.field, "layers[0].padding");
    d = parse_error(spec(R"({"name": "r", "op": "resize", "size": 4, "mode": "cubic", "roi": [0, 0, 1]})", R"("r")"));
    EXPECT_EQ(d.field, "layers[0].roi");
    // Reflecting needs a mirror image on each side: pads smaller than the input (8x8 here).
    d = error_of([] { shapes_of(spec(R"({"name": "p", "op": "pad", "padding": [8, 0, 0, 0], "mode": "reflect"})", R"("p")")); });
    EXPECT_EQ(d.layer, "p");
    EXPECT_CONTAINS(d.message, "reflect padding must be smaller than the input");
    // A transposed conv whose pads eat its whole output.
    d = error_of([] { shapes_of(spec(R"({"name": "u", "op": "conv_transpose2d", "filters": 4, "kernel": 1, "padding": [4, 0, 4, 0]})", R"("u")")); });
    EXPECT_EQ(d.layer, "u");
    EXPECT_CONTAINS(d.message, "the output height would be 0");
}

// Output sizes by hand: (in - 1) * stride + dilation * (kernel - 1) + 1 + output_padding - pads.
TEST(SpecShapes, ConvTransposeAndPad) {
    Graph g = shapes_of(spec(R"({"name": "u", "op": "conv_transpose2d", "filters": 5, "kernel": [3, 2], "stride": 2, "padding": [1, 0, 1, 1], "output_padding": [1, 0]},
                               {"name": "p", "op": "pad", "padding": [1, 2, 3, 4], "mode": "edge"})", R"("p")"));
    EXPECT_EQ(g.layers[1].out, (Shape{7 * 2 + 2 + 1 + 1 - 2, 7 * 2 + 1 + 1 - 1, 5}));  // 16 x 15 x 5
    EXPECT_EQ(g.layers[2].out, (Shape{16 + 4, 15 + 6, 5}));
}

TEST(SpecErrors, MissingDenseUnits) {
    Diagnostic d = parse_error(spec(R"({"name": "fc", "op": "dense"})", R"("fc")"));
    EXPECT_EQ(d.layer, "fc");
    EXPECT_EQ(d.field, "layers[0].units");
    EXPECT_CONTAINS(d.message, "missing required field");
}

TEST(SpecErrors, MissingLayerName) {
    Diagnostic d = parse_error(spec(R"({"op": "relu"})", R"("x")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.field, "layers[0].name");
    EXPECT_CONTAINS(d.message, "missing");
}

TEST(SpecErrors, MistypedField) {
    Diagnostic d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": "3"})", R"("c1")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].kernel");
    EXPECT_CONTAINS(d.message, "got a string");
}

TEST(SpecErrors, MistypedPairElementAndBoolean) {
    Diagnostic d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": [3, 0]})", R"("c1")"));
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].kernel[1]");
    EXPECT_CONTAINS(d.message, "positive integer");

    d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "bias": 1})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].bias");
    EXPECT_CONTAINS(d.message, "true or false");

    d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 2.5, "kernel": 3})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].filters");
    EXPECT_CONTAINS(d.message, "positive integer");
}

TEST(SpecErrors, UnknownFieldSuggestsTheClosestOne) {
    Diagnostic d =
        parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "strides": 2})", R"("c1")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].strides");
    EXPECT_CONTAINS(d.message, "unknown field");
    EXPECT_CONTAINS(d.message, "did you mean 'stride'");
}

TEST(SpecErrors, FieldOfAnotherOpIsUnknown) {
    // "units" belongs to dense; a conv2d must not silently ignore it.
    Diagnostic d =
        parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "units": 2})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].units");
    EXPECT_CONTAINS(d.message, "unknown field");
}

TEST(SpecErrors, UnknownTopLevelField) {
    std::string text = spec(kOneConv, R"("c1")");
    text.insert(1, R"("output": ["c1"], )");
    Diagnostic d = parse_error(text);
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.field, "output");
    EXPECT_CONTAINS(d.message, "did you mean 'outputs'");
}

TEST(SpecErrors, DuplicateLayerName) {
    Diagnostic d = parse_error(spec(kOneConv + std::string(R"(, {"name": "c1", "op": "relu"})"), R"("c1")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[1].name");
    EXPECT_CONTAINS(d.message, "already named 'c1'");
}

TEST(SpecErrors, LayerNamedLikeTheInput) {
    Diagnostic d = parse_error(spec(R"({"name": "input", "op": "relu"})", R"("input")"));
    EXPECT_EQ(d.layer, "input");
    EXPECT_EQ(d.field, "layers[0].name");
}

TEST(SpecErrors, InputNamingAMissingLayer) {
    Diagnostic d = parse_error(spec(kOneConv + std::string(R"(, {"name": "r", "op": "relu", "input": "c9"})"), R"("r")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "r");
    EXPECT_EQ(d.field, "layers[1].input");
    EXPECT_CONTAINS(d.message, "'c9'");
}

TEST(SpecErrors, InputNamingALaterLayer) {
    // Layers are in topological order: a layer can only read earlier ones.
    Diagnostic d = parse_error(
        spec(R"({"name": "r", "op": "relu", "input": "c1"}, )" + std::string(kOneConv), R"("r")"));
    EXPECT_EQ(d.layer, "r");
    EXPECT_EQ(d.field, "layers[0].input");
}

TEST(SpecErrors, OutputNamingAMissingLayer) {
    Diagnostic d = parse_error(spec(kOneConv, R"("c1", "c2")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.field, "outputs[1]");
    EXPECT_CONTAINS(d.message, "'c2'");
}

TEST(SpecErrors, BadPaddingString) {
    Diagnostic d = parse_error(
        spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "padding": "full"})", R"("c1")"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].padding");
    EXPECT_CONTAINS(d.message, "\"full\"");
    EXPECT_CONTAINS(d.message, "\"same\"");
}

TEST(SpecErrors, BadExplicitPadding) {
    Diagnostic d = parse_error(
        spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "padding": [1, 1, -1, 1]})", R"("c1")"));
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].padding");
    d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "padding": [1, 1]})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].padding");
}

TEST(SpecErrors, BadActivation) {
    Diagnostic d = parse_error(
        spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "activation": "gelu"})", R"("c1")"));
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "layers[0].activation");
    EXPECT_CONTAINS(d.message, "gelu");
}

TEST(SpecErrors, ActivationsWithNumbers) {
    // A clip needs its bounds: named alone as a fused activation it is an error, not relu.
    Diagnostic d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "activation": "clip"})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].activation");
    EXPECT_CONTAINS(d.message, "\"op\": \"clip\"");
    d = parse_error(spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "activation": {"op": "clip", "mn": 0}})", R"("c1")"));
    EXPECT_EQ(d.field, "layers[0].activation.mn");
    EXPECT_CONTAINS(d.message, "did you mean 'min'");
    d = parse_error(spec(R"({"name": "a", "op": "clip", "min": 2, "max": 1})", R"("a")"));
    EXPECT_EQ(d.layer, "a");
    EXPECT_EQ(d.field, "layers[0].max");
    d = parse_error(spec(R"({"name": "a", "op": "leaky_relu", "alpha": "big"})", R"("a")"));
    EXPECT_EQ(d.field, "layers[0].alpha");
}

TEST(SpecErrors, WrongNetcVersion) {
    std::string text = spec(kOneConv, R"("c1")");
    text.replace(text.find(R"("netc": 1)"), 9, R"("netc": 2)");
    Diagnostic d = parse_error(text);
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.field, "netc");
    EXPECT_CONTAINS(d.message, "\"netc\": 1");

    text.replace(text.find(R"("netc": 2, )"), 11, "");
    d = parse_error(text);  // missing altogether
    EXPECT_EQ(d.field, "netc");
}

TEST(SpecErrors, ModelNameMustBeAnIdentifier) {
    std::string text = spec(kOneConv, R"("c1")");
    text.replace(text.find(R"("name": "t")"), 11, R"("name": "my-net")");
    Diagnostic d = parse_error(text);
    EXPECT_EQ(d.field, "name");
    EXPECT_CONTAINS(d.message, "my-net");
}

TEST(SpecErrors, WeightsGivenBothFileAndInit) {
    Diagnostic d = parse_error(spec(kOneConv, R"("c1")", R"({"file": "w.safetensors", "init": "random", "seed": 1})"));
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.field, "weights");
    EXPECT_CONTAINS(d.message, "exactly one");
}

TEST(SpecErrors, WeightsNeitherFileNorInit) {
    Diagnostic d = parse_error(spec(kOneConv, R"("c1")", R"({"seed": 1})"));
    EXPECT_EQ(d.field, "weights");
}

TEST(SpecErrors, RandomWeightsNeedASeed) {
    Diagnostic d = parse_error(spec(kOneConv, R"("c1")", R"({"init": "random"})"));
    EXPECT_EQ(d.field, "weights.seed");
    EXPECT_CONTAINS(d.message, "missing required field");
    d = parse_error(spec(kOneConv, R"("c1")", R"({"init": "random", "seed": -3})"));
    EXPECT_EQ(d.field, "weights.seed");
    d = parse_error(spec(kOneConv, R"("c1")", R"({"init": "zeros", "seed": 3})"));
    EXPECT_EQ(d.field, "weights.init");
}

TEST(SpecErrors, BadInput) {
    Diagnostic d = parse_error(spec(kOneConv, R"("c1")", kRandomWeights, R"({"shape": [8, 8]})"));
    EXPECT_EQ(d.field, "input.shape");
    d = parse_error(spec(kOneConv, R"("c1")", kRandomWeights, R"({"shape": [8, 8, 3], "mean": [1, 2]})"));
    EXPECT_EQ(d.field, "input.mean");
    EXPECT_CONTAINS(d.message, "3 numbers");
    d = parse_error(spec(kOneConv, R"("c1")", kRandomWeights, R"({"shape": [8, 8, 3], "layout": "CHW"})"));
    EXPECT_EQ(d.field, "input.layout");
    d = parse_error(spec(kOneConv, R"("c1")", kRandomWeights, R"({"shape": [8, 8, 3], "means": 1})"));
    EXPECT_EQ(d.field, "input.means");
    EXPECT_CONTAINS(d.message, "did you mean 'mean'");
}

// ---------------------------------------------------------------------------------------
// What a valid spec parses to (defaults written out by hand from docs/spec.md).

TEST(SpecParse, InputAndDefaults) {
    Graph g = parse_spec_text(
        spec(R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": [3, 1]},
               {"name": "bn", "op": "batchnorm"},
               {"name": "p", "op": "avgpool", "kernel": 2},
               {"name": "fc", "op": "dense", "units": 5, "activation": "relu"},
               {"name": "sm", "op": "softmax", "input": "fc"})",
             R"("sm", "bn")", kRandomWeights,
             R"({"name": "image", "shape": [8, 6, 3], "mean": [1, 2, 3], "scale": 0.5})"),
        kFile);
    EXPECT_EQ(g.name, "t");
    EXPECT_EQ(g.spec_file, kFile);
    EXPECT_EQ(g.input.name, "image");
    EXPECT_EQ(g.input.shape, (Shape{8, 6, 3}));
    EXPECT_EQ(g.input.mean, (std::vector<float>{1, 2, 3}));
    EXPECT_EQ(g.input.scale, (std::vector<float>{0.5f, 0.5f, 0.5f}));
    EXPECT_TRUE(g.weights.random);
    EXPECT_EQ(g.weights.seed, 1u);

    ASSERT_EQ(g.layers.size(), 6u);
    EXPECT_EQ(g.layers[0].op, OpKind::Input);
    EXPECT_EQ(g.layers[0].name, "image");

    const Layer &c1 = g.layers[1];
    EXPECT_EQ(c1.op, OpKind::Conv2D);
    EXPECT_EQ(c1.inputs, std::vector<int>{0});
    EXPECT_EQ(c1.filters, 4);
    EXPECT_EQ(c1.kernel_h, 3);
    EXPECT_EQ(c1.kernel_w, 1);
    EXPECT_EQ(c1.stride_h, 1);
    EXPECT_EQ(c1.dilation_w, 1);
    EXPECT_EQ(c1.groups, 1);
    EXPECT_EQ(c1.padding.mode, Padding::Valid);
    EXPECT_TRUE(c1.bias);
    EXPECT_EQ(c1.activation, Activation::None);
    EXPECT_EQ(c1.origin, "layers[0]");

    EXPECT_EQ(g.layers[2].op, OpKind::BatchNorm);
    EXPECT_EQ(g.layers[2].inputs, std::vector<int>{1});
    EXPECT_FLOAT_EQ(g.layers[2].epsilon, 1e-5f);

    const Layer &p = g.layers[3];  // avgpool: stride defaults to the kernel
    EXPECT_EQ(p.stride_h, 2);
    EXPECT_EQ(p.stride_w, 2);

    EXPECT_EQ(g.layers[4].filters, 5);
    EXPECT_EQ(g.layers[4].activation, Activation::Relu);
    EXPECT_TRUE(g.layers[4].bias);
    EXPECT_EQ(g.layers[5].inputs, std::vector<int>{4});
    EXPECT_EQ(g.outputs, (std::vector<int>{5, 2}));
}

TEST(SpecParse, SeparableConvDefaults) {
    Graph g = parse_spec_text(spec(R"({"name": "s", "op": "separable_conv", "filters": 8})", R"("s")"), kFile);
    const Layer &s = g.layers[1];
    EXPECT_EQ(s.op, OpKind::SeparableConv);
    EXPECT_EQ(s.kernel_h, 3);
    EXPECT_EQ(s.kernel_w, 3);
    EXPECT_EQ(s.stride_h, 1);
    EXPECT_EQ(s.multiplier, 1);
    EXPECT_EQ(s.padding.mode, Padding::Same);
    EXPECT_EQ(s.activation, Activation::Relu6);
    EXPECT_TRUE(s.batchnorm);
    EXPECT_FALSE(s.bias);
    EXPECT_FLOAT_EQ(s.epsilon, 1e-3f);

    g = parse_spec_text(spec(R"({"name": "s", "op": "separable_conv", "filters": 8, "batchnorm": false})", R"("s")"), kFile);
    EXPECT_TRUE(g.layers[1].bias);  // without BN the convolutions keep their bias
}

TEST(SpecParse, WeightsFileIsResolvedAgainstTheSpecFolder) {
    Graph g = parse_spec_text(spec(kOneConv, R"("c1")", weights_file("w.safetensors")), "models/net/spec.json");
    EXPECT_FALSE(g.weights.random);
    EXPECT_EQ(g.weights.file, "models/net/w.safetensors");
    g = parse_spec_text(spec(kOneConv, R"("c1")", weights_file("/abs/w.safetensors")), "models/net/spec.json");
    EXPECT_EQ(g.weights.file, "/abs/w.safetensors");
    g = parse_spec_text(spec(kOneConv, R"("c1")", weights_file("w.safetensors")), "spec.json");
    EXPECT_EQ(g.weights.file, "w.safetensors");
}

TEST(SpecParse, ParseSpecFileMatchesText) {
    std::string path = temp_path("spec.json");
    write_bytes(path, spec(kOneConv, R"("c1")"));
    Graph g = parse_spec_file(path);
    EXPECT_EQ(g.spec_file, path);
    EXPECT_EQ(g.layers.size(), 2u);
    std::remove(path.c_str());

    Diagnostic d = error_of([&] { parse_spec_file(path + ".absent"); });
    EXPECT_EQ(d.file, path + ".absent");
}

// ---------------------------------------------------------------------------------------
// Shape inference: padding resolution and impossible shapes.

// One conv2d with the given geometry on an input of in x in x 2; returns the inferred conv.
Layer conv_on(int in, const std::string &geometry) {
    std::string layers = R"({"name": "c", "op": "conv2d", "filters": 3, )" + geometry + "}";
    std::string input = "{\"shape\": [" + std::to_string(in) + ", " + std::to_string(in) + ", 2]}";
    Graph g = shapes_of(spec(layers, R"("c")", kRandomWeights, input));
    return g.layers[1];
}

void expect_pads(const Layer &l, int top, int left, int bottom, int right) {
    EXPECT_EQ(l.padding.top, top);
    EXPECT_EQ(l.padding.left, left);
    EXPECT_EQ(l.padding.bottom, bottom);
    EXPECT_EQ(l.padding.right, right);
}

TEST(InferShapes, SameStride2EvenInput) {
    // out = ceil(224/2) = 112; total pad = (112-1)*2 + 3 - 224 = 1: 0 before, 1 after.
    Layer c = conv_on(224, R"("kernel": 3, "stride": 2, "padding": "same")");
    EXPECT_EQ(c.out, (Shape{112, 112, 3}));
    EXPECT_EQ(c.padding.mode, Padding::Same);
    expect_pads(c, 0, 0, 1, 1);
}

TEST(InferShapes, SameStride2OddInput) {
    // out = ceil(7/2) = 4; total pad = 3*2 + 3 - 7 = 2: 1 and 1.
    Layer c = conv_on(7, R"("kernel": 3, "stride": 2, "padding": "same")");
    EXPECT_EQ(c.out, (Shape{4, 4, 3}));
    expect_pads(c, 1, 1, 1, 1);
}

TEST(InferShapes, SameKernel1Stride2NeedsNoPad) {
    // out = ceil(5/2) = 3; total pad = max(2*2 + 1 - 5, 0) = 0.
    Layer c = conv_on(5, R"("kernel": 1, "stride": 2, "padding": "same")");
    EXPECT_EQ(c.out, (Shape{3, 3, 3}));
    expect_pads(c, 0, 0, 0, 0);
}

TEST(InferShapes, SameStride1Dilation2) {
    // Effective kernel (3-1)*2+1 = 5; out = 7; total pad = 6 + 5 - 7 = 4: 2 and 2.
    Layer c = conv_on(7, R"("kernel": 3, "dilation": 2, "padding": "same")");
    EXPECT_EQ(c.out, (Shape{7, 7, 3}));
    expect_pads(c, 2, 2, 2, 2);
}

TEST(InferShapes, SameNonSquare) {
    // Height: k3 s2 on 224 -> 112, pads 0/1. Width: k1 s1 on 224 -> 224, pads 0/0.
    Layer c = conv_on(224, R"("kernel": [3, 1], "stride": [2, 1], "padding": "same")");
    EXPECT_EQ(c.out, (Shape{112, 224, 3}));
    expect_pads(c, 0, 0, 1, 0);
}

TEST(InferShapes, Valid) {
    // (7 - 3) / 2 + 1 = 3, no pads.
    Layer c = conv_on(7, R"("kernel": 3, "stride": 2, "padding": "valid")");
    EXPECT_EQ(c.out, (Shape{3, 3, 3}));
    expect_pads(c, 0, 0, 0, 0);
    // The default is valid: (8 - 3) + 1 = 6.
    c = conv_on(8, R"("kernel": 3)");
    EXPECT_EQ(c.padding.mode, Padding::Valid);
    EXPECT_EQ(c.out, (Shape{6, 6, 3}));
}

TEST(InferShapes, ExplicitPads) {
    // [top, left, bottom, right] = [1, 2, 0, 1] on 7x7, k3 s1: h = 7+1+0-3+1 = 6, w = 7+2+1-3+1 = 8.
    Layer c = conv_on(7, R"("kernel": 3, "padding": [1, 2, 0, 1])");
    EXPECT_EQ(c.padding.mode, Padding::Explicit);
    EXPECT_EQ(c.out, (Shape{6, 8, 3}));
    expect_pads(c, 1, 2, 0, 1);
}

TEST(InferShapes, OtherOps) {
    Graph g = shapes_of(spec(R"({"name": "dw", "op": "depthwise_conv2d", "kernel": 3, "multiplier": 2, "padding": "same"},
                                {"name": "p", "op": "avgpool", "kernel": 3},
                                {"name": "gap", "op": "global_avgpool"},
                                {"name": "fc", "op": "dense", "units": 10},
                                {"name": "sm", "op": "softmax"})",
                             R"("sm")", kRandomWeights, R"({"shape": [9, 9, 3]})"));
    EXPECT_EQ(g.layers[1].out, (Shape{9, 9, 6}));   // 3 channels x multiplier 2
    EXPECT_EQ(g.layers[2].out, (Shape{3, 3, 6}));   // avgpool k3, stride defaults to 3: (9-3)/3+1
    EXPECT_EQ(g.layers[3].out, (Shape{1, 1, 6}));
    EXPECT_EQ(g.layers[4].out, (Shape{1, 1, 10}));
    EXPECT_EQ(g.layers[5].out, (Shape{1, 1, 10}));
}

TEST(InferShapes, ReshapeInfersTheMinusOneDimension) {
    // 8x8x3 = 192 values; [1, -1, 4] -> 1x48x4.
    Graph g = shapes_of(spec(R"({"name": "r", "op": "reshape", "shape": [1, -1, 4]}, {"name": "f", "op": "reshape", "shape": [1, 1, -1]})",
                             R"("r", "f")"));
    EXPECT_EQ(g.layers[1].out, (Shape{1, 48, 4}));
    EXPECT_EQ(g.layers[2].out, (Shape{1, 1, 192}));
}

TEST(InferShapesErrors, ReshapeToAnotherNumberOfValues) {
    Diagnostic d = error_of([&] { shapes_of(spec(R"({"name": "r", "op": "reshape", "shape": [2, 2, 7]})", R"("r")")); });
    EXPECT_EQ(d.layer, "r");
    EXPECT_EQ(d.field, "layers[0].shape");
    EXPECT_CONTAINS(d.message, "cannot reshape 8x8x3 (192 values) into 2x2x7 (28 values)");
    d = error_of([&] { shapes_of(spec(R"({"name": "r", "op": "reshape", "shape": [5, -1, 1]})", R"("r")")); });
    EXPECT_CONTAINS(d.message, "5 values per -1");
    d = parse_error(spec(R"({"name": "r", "op": "reshape", "shape": [-1, -1, 3]})", R"("r")"));
    EXPECT_EQ(d.field, "layers[0].shape[1]");
    EXPECT_CONTAINS(d.message, "only one dimension may be -1");
    d = parse_error(spec(R"({"name": "r", "op": "reshape", "shape": [192]})", R"("r")"));
    EXPECT_EQ(d.field, "layers[0].shape");
}

TEST(InferShapesErrors, KernelLargerThanPaddedInput) {
    // c1 (valid, k3): 8 -> 6. c2: a 7x7 kernel on 6x6 with pads [1, 0, 0, 0]: height 7 fits, width 6 does not.
    std::string layers =
        kOneConv + std::string(R"(, {"name": "c2", "op": "conv2d", "filters": 4, "kernel": 7, "padding": [1, 0, 0, 0]})");
    Diagnostic d = error_of([&] { shapes_of(spec(layers, R"("c2")")); });
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "c2");
    EXPECT_EQ(d.field, "layers[1].kernel");
    EXPECT_CONTAINS(d.message, "(7)");  // the kernel
    EXPECT_CONTAINS(d.message, "(6)");  // the padded input
    EXPECT_CONTAINS(d.message, "width");
}

TEST(InferShapesErrors, DilatedKernelLargerThanInput) {
    // Effective kernel (3-1)*3+1 = 7 > 6.
    Diagnostic d = error_of([&] {
        shapes_of(spec(R"({"name": "c", "op": "conv2d", "filters": 2, "kernel": 3, "dilation": 3})", R"("c")",
                       kRandomWeights, R"({"shape": [6, 6, 1]})"));
    });
    EXPECT_EQ(d.layer, "c");
    EXPECT_EQ(d.field, "layers[0].kernel");
    EXPECT_CONTAINS(d.message, "dilated");
}

TEST(InferShapesErrors, PadNotSmallerThanKernel) {
    Diagnostic d = error_of([&] {
        shapes_of(spec(R"({"name": "c", "op": "conv2d", "filters": 2, "kernel": 3, "padding": [3, 0, 0, 0]})", R"("c")"));
    });
    EXPECT_EQ(d.layer, "c");
    EXPECT_EQ(d.field, "layers[0].padding");
}

TEST(InferShapesErrors, GroupsNotDividingChannels) {
    // 3 input channels, groups 2.
    Diagnostic d = error_of(
        [&] { shapes_of(spec(R"({"name": "g", "op": "conv2d", "filters": 4, "kernel": 1, "groups": 2})", R"("g")")); });
    EXPECT_EQ(d.file, kFile);
    EXPECT_EQ(d.layer, "g");
    EXPECT_EQ(d.field, "layers[0].groups");
    EXPECT_CONTAINS(d.message, "(3)");

    // 4 input channels divide by 2, but 3 filters do not.
    d = error_of([&] {
        shapes_of(spec(R"({"name": "g", "op": "conv2d", "filters": 3, "kernel": 1, "groups": 2})", R"("g")",
                       kRandomWeights, R"({"shape": [4, 4, 4]})"));
    });
    EXPECT_EQ(d.field, "layers[0].groups");
}

// ---------------------------------------------------------------------------------------
// Weights.

const char *kNet = R"({"name": "c1", "op": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
                      {"name": "bn", "op": "batchnorm"},
                      {"name": "dw", "op": "depthwise_conv2d", "kernel": 3, "multiplier": 2, "bias": false},
                      {"name": "fc", "op": "dense", "units": 5})";

std::string net_with_weights(const std::string &weights) { return spec(kNet, R"("fc")", weights); }

void expect_same_params(const Graph &a, const Graph &b) {
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (size_t i = 0; i < a.layers.size(); i++) {
        const auto &pa = a.layers[i].params, &pb = b.layers[i].params;
        ASSERT_EQ(pa.size(), pb.size()) << a.layers[i].name;
        for (const auto &[role, t] : pa) {
            ASSERT_TRUE(pb.count(role)) << a.layers[i].name << "." << role;
            EXPECT_EQ(t.shape, pb.at(role).shape) << a.layers[i].name << "." << role;
            EXPECT_EQ(t.data, pb.at(role).data) << a.layers[i].name << "." << role;  // bit for bit
        }
    }
}

TEST(Weights, ParamShapesFollowPyTorchOrder) {
    Graph g = build(net_with_weights(kRandomWeights));
    // c1: 8x8x3 -> 8x8x4, weight (4, 3, 3, 3) + bias. bn: 4 channels. dw: (4*2, 1, 3, 3), no bias.
    // fc reads 6x6x8 = 288 values: weight (5, 288) + bias.
    auto shape = [&](const std::string &layer, const std::string &role) {
        return g.layers[size_t(g.find(layer))].params.at(role).shape;
    };
    EXPECT_EQ(shape("c1", "weight"), (std::vector<int64_t>{4, 3, 3, 3}));
    EXPECT_EQ(shape("c1", "bias"), (std::vector<int64_t>{4}));
    for (const char *role : {"gamma", "beta", "mean", "var"}) EXPECT_EQ(shape("bn", role), (std::vector<int64_t>{4}));
    EXPECT_EQ(shape("dw", "weight"), (std::vector<int64_t>{8, 1, 3, 3}));
    EXPECT_EQ(g.layers[size_t(g.find("dw"))].params.count("bias"), 0u);
    EXPECT_EQ(shape("fc", "weight"), (std::vector<int64_t>{5, 288}));
    EXPECT_EQ(shape("fc", "bias"), (std::vector<int64_t>{5}));
    EXPECT_TRUE(g.layers[0].params.empty());

    std::vector<ParamShape> bn = param_shapes(g, g.find("bn"));
    ASSERT_EQ(bn.size(), 4u);
    EXPECT_TRUE(bn[0].trainable);   // gamma
    EXPECT_FALSE(bn[2].trainable);  // running mean
    EXPECT_FALSE(bn[3].trainable);  // running var
    EXPECT_EQ(shape_string({32, 3, 3, 3}), "[32, 3, 3, 3]");
}

TEST(Weights, RandomIsDeterministicPerSeed) {
    Graph a = build(net_with_weights(R"({"init": "random", "seed": 7})"));
    Graph b = build(net_with_weights(R"({"init": "random", "seed": 7})"));
    Graph c = build(net_with_weights(R"({"init": "random", "seed": 8})"));
    expect_same_params(a, b);
    for (size_t i = 0; i < a.layers.size(); i++)
        for (const auto &[role, t] : a.layers[i].params)
            EXPECT_NE(t.data, c.layers[i].params.at(role).data) << a.layers[i].name << "." << role << " ignores the seed";
    // with_random_weights, then calibrate_batchnorm, is what bind_weights does for "init": "random".
    expect_same_params(a, calibrate_batchnorm(with_random_weights(infer_shapes(parse_spec_text(net_with_weights(kRandomWeights), kFile)), 7), 7));
}

// After calibration, on the calibration image itself, each batchnorm's output has per-channel
// mean beta and standard deviation gamma: that is what "the statistics of its input" means.
TEST(Weights, CalibratedBatchNormNormalisesItsInput) {
    const std::string layers = R"({"name": "c1", "op": "conv2d", "filters": 6, "kernel": 3, "padding": "same"},
        {"name": "bn", "op": "batchnorm", "epsilon": 1e-6}, {"name": "r", "op": "relu"},
        {"name": "c2", "op": "conv2d", "filters": 5, "kernel": 1, "bias": false},
        {"name": "bn2", "op": "batchnorm", "epsilon": 1e-6})";
    Graph g = build(spec(layers, R"("bn", "bn2")", R"({"init": "random", "seed": 5})", R"({"shape": [12, 10, 3]})"));
    const auto out = run_reference(g, calibration_input(g.input.shape.elements(), 5));
    for (int o = 0; o < 2; o++) {
        const auto &p = g.layers[size_t(g.outputs[size_t(o)])].params;
        const int c = int(p.at("gamma").data.size());
        const size_t pixels = out[size_t(o)].size() / size_t(c);
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, sq = 0;
            for (size_t i = 0; i < pixels; i++) sum += out[size_t(o)][i * size_t(c) + size_t(ch)];
            const double mean = sum / double(pixels);
            for (size_t i = 0; i < pixels; i++) sq += std::pow(out[size_t(o)][i * size_t(c) + size_t(ch)] - mean, 2);
            EXPECT_NEAR(mean, p.at("beta").data[size_t(ch)], 1e-4) << "output " << o << " channel " << ch;
            EXPECT_NEAR(std::sqrt(sq / double(pixels)), p.at("gamma").data[size_t(ch)], 1e-3) << "output " << o << " channel " << ch;
        }
    }
}

// The reason calibration exists: a deep random network keeps unit-scale activations.
// Uncalibrated, MobileNetV3-Large's logits reach thousands.
TEST(Weights, CalibratedDeepNetworkKeepsActivationsSmall) {
    Graph g = load_model(std::string(NETC_SOURCE_DIR) + "/models/mobilenet_v3_large.json");
    const auto out = run_reference(g, calibration_input(g.input.shape.elements(), 99));
    const auto &logits = out[1];
    float largest = 0;
    for (float v : logits) largest = std::max(largest, std::fabs(v));
    EXPECT_LT(largest, 100.0f);
    EXPECT_GT(largest, 0.1f);
}

TEST(Weights, RandomValuesAreInRangeAndBatchNormIsNotTheIdentity) {
    Graph g = build(net_with_weights(R"({"init": "random", "seed": 3})"));
    // He-uniform: |w| <= sqrt(6 / fan_in); fan_in of c1 = 3*3*3 = 27.
    const float bound = std::sqrt(6.0f / 27.0f);
    float wmax = 0;
    for (float v : g.layers[1].params.at("weight").data) wmax = std::max(wmax, std::fabs(v));
    EXPECT_LE(wmax, bound);
    EXPECT_GT(wmax, bound / 2);  // 108 samples: the largest is near the bound

    const auto &p = g.layers[size_t(g.find("bn"))].params;
    for (float v : p.at("var").data) EXPECT_GT(v, 0.0f);  // a variance
    // Folding must really be exercised: statistics away from gamma = var = 1, beta = mean = 0.
    auto max_dev = [](const std::vector<float> &xs, float from) {
        float m = 0;
        for (float x : xs) m = std::max(m, std::fabs(x - from));
        return m;
    };
    EXPECT_GT(max_dev(p.at("gamma").data, 1.0f), 0.05f);
    EXPECT_GT(max_dev(p.at("var").data, 1.0f), 0.05f);
    EXPECT_GT(max_dev(p.at("mean").data, 0.0f), 0.01f);
    EXPECT_GT(max_dev(p.at("beta").data, 0.0f), 0.01f);
    for (float v : p.at("mean").data) EXPECT_NE(v, 0.0f);
    for (float v : p.at("var").data) EXPECT_NE(v, 1.0f);
}

TEST(Weights, SafetensorsRoundTrip) {
    Graph a = build(net_with_weights(R"({"init": "random", "seed": 11})"));
    std::string path = temp_path("w.safetensors");
    write_safetensors(a, path);

    // The file holds exactly the "<layer>.<role>" tensors.
    auto file = read_safetensors(path);
    EXPECT_EQ(file.size(), 2u + 4u + 1u + 2u);
    ASSERT_TRUE(file.count("c1.weight"));
    EXPECT_EQ(file.at("c1.weight").shape, (std::vector<int64_t>{4, 3, 3, 3}));
    EXPECT_TRUE(file.count("bn.var"));

    Graph b = build(net_with_weights(weights_file(path)));
    EXPECT_EQ(b.weights.file, path);
    expect_same_params(a, b);
    std::remove(path.c_str());
}

TEST(Weights, SafetensorsLayout) {
    // Hand-written file: one 2x2 tensor at data offset 0. Values must come back as written.
    std::string path = temp_path("w.safetensors");
    float v[4] = {1.5f, -2.0f, 0.25f, 8.0f};
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"a":"b"}})",
                          std::string(reinterpret_cast<const char *>(v), 16));
    auto file = read_safetensors(path);
    ASSERT_EQ(file.size(), 1u);
    EXPECT_EQ(file.at("t").shape, (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(file.at("t").data, (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));

    // What write_safetensors_file produces: the data starts 8-byte aligned.
    write_safetensors_file(path, {{"t", {{2, 2}, {1.5f, -2.0f, 0.25f, 8.0f}}}});
    std::string bytes = read_bytes(path);
    ASSERT_GE(bytes.size(), 8u);
    uint64_t len = 0;
    for (int i = 7; i >= 0; i--) len = (len << 8) | uint8_t(bytes[size_t(i)]);
    EXPECT_EQ(len % 8, 0u);
    EXPECT_EQ(bytes.size(), 8 + len + 16);
    EXPECT_EQ(bytes.substr(size_t(8 + len)), std::string(reinterpret_cast<const char *>(v), 16));
    std::remove(path.c_str());
}

// kNet with random weights, written to `path`.
void write_net_weights(const std::string &path) { write_safetensors(build(net_with_weights(kRandomWeights)), path); }

TEST(WeightsErrors, WrongWeightShape) {
    std::string path = temp_path("w.safetensors");
    write_net_weights(path);
    // The file's c1.weight is (4, 3, 3, 3); this spec's c1 has 6 filters.
    std::string net = kNet;
    net.replace(net.find(R"("filters": 4)"), 12, R"("filters": 6)");
    Diagnostic d = error_of([&] { build(spec(net, R"("fc")", weights_file(path))); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "c1");
    EXPECT_EQ(d.field, "c1.weight");
    EXPECT_CONTAINS(d.message, "[4, 3, 3, 3]");
    EXPECT_CONTAINS(d.message, "[6, 3, 3, 3]");
    std::remove(path.c_str());
}

TEST(WeightsErrors, WrongDenseShapeFromChangedInput) {
    // Same layers on a 10x10 input: fc now reads 8x8x8 = 512 values, the file has 288.
    std::string path = temp_path("w.safetensors");
    write_net_weights(path);
    Diagnostic d = error_of([&] { build(spec(kNet, R"("fc")", weights_file(path), R"({"shape": [10, 10, 3]})")); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "fc");
    EXPECT_EQ(d.field, "fc.weight");
    EXPECT_CONTAINS(d.message, "[5, 288]");
    EXPECT_CONTAINS(d.message, "[5, 512]");
    std::remove(path.c_str());
}

TEST(WeightsErrors, MissingTensor) {
    std::string path = temp_path("w.safetensors");
    write_net_weights(path);
    std::string net = std::string(kNet) + R"(, {"name": "fc2", "op": "dense", "units": 3})";
    Diagnostic d = error_of([&] { build(spec(net, R"("fc2")", weights_file(path))); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "fc2");
    EXPECT_EQ(d.field, "fc2.weight");
    EXPECT_CONTAINS(d.message, "missing");
    EXPECT_CONTAINS(d.message, "[3, 5]");
    std::remove(path.c_str());
}

TEST(WeightsErrors, MissingFile) {
    std::string path = temp_path("absent.safetensors");
    Diagnostic d = error_of([&] { build(net_with_weights(weights_file(path))); });
    EXPECT_EQ(d.file, path);
    EXPECT_CONTAINS(d.message, "cannot open");
}

TEST(WeightsErrors, TruncatedFile) {
    std::string path = temp_path("w.safetensors");
    write_net_weights(path);
    std::string bytes = read_bytes(path);
    // Tensors are stored in name order; the last one is "fc.weight". Cut 4 bytes off it.
    write_bytes(path, bytes.substr(0, bytes.size() - 4));
    Diagnostic d = error_of([&] { build(net_with_weights(weights_file(path))); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "fc.weight");
    EXPECT_EQ(d.field, "data_offsets");
    EXPECT_CONTAINS(d.message, "truncated");

    // Cut inside the header.
    write_bytes(path, bytes.substr(0, 40));
    d = error_of([&] { build(net_with_weights(weights_file(path))); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.field, "header");

    // Shorter than the length field itself.
    write_bytes(path, bytes.substr(0, 5));
    d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.field, "header");
    EXPECT_CONTAINS(d.message, "truncated");
    std::remove(path.c_str());
}

TEST(WeightsErrors, HeaderLengthPastTheEnd) {
    std::string path = temp_path("w.safetensors");
    std::string bytes(8, '\0');
    bytes[0] = char(0xe8), bytes[1] = char(0x03);  // 1000, little-endian
    write_bytes(path, bytes + "{}");
    Diagnostic d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.field, "header");
    EXPECT_CONTAINS(d.message, "1000");
    EXPECT_CONTAINS(d.message, "past the end");

    bytes[7] = char(0xff);  // huge: must not wrap around
    write_bytes(path, bytes + "{}");
    d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.field, "header");
    std::remove(path.c_str());
}

TEST(WeightsErrors, MalformedHeader) {
    std::string path = temp_path("w.safetensors");
    write_raw_safetensors(path, R"({"t": )", "");
    Diagnostic d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.field, "header");
    std::remove(path.c_str());
}

TEST(WeightsErrors, DtypeF16) {
    std::string path = temp_path("w.safetensors");
    write_raw_safetensors(path, R"({"c1.weight":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", std::string(4, '\0'));
    Diagnostic d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "c1.weight");
    EXPECT_EQ(d.field, "dtype");
    EXPECT_CONTAINS(d.message, "F16");
    EXPECT_CONTAINS(d.message, "F32");
    std::remove(path.c_str());
}

TEST(WeightsErrors, DataOffsetsInconsistentWithShape) {
    std::string path = temp_path("w.safetensors");
    // Shape [2, 3] needs 24 bytes; the offsets span 20.
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", std::string(24, '\0'));
    Diagnostic d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.layer, "t");
    EXPECT_EQ(d.field, "data_offsets");
    EXPECT_CONTAINS(d.message, "20");
    EXPECT_CONTAINS(d.message, "24");

    // Begin after end.
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", std::string(8, '\0'));
    d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.field, "data_offsets");

    // Right span, but past the end of the data.
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", std::string(8, '\0'));
    d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.field, "data_offsets");
    EXPECT_CONTAINS(d.message, "truncated");

    // Not a pair.
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", std::string(8, '\0'));
    d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.field, "data_offsets");
    std::remove(path.c_str());
}

TEST(WeightsErrors, BadShapeEntry) {
    std::string path = temp_path("w.safetensors");
    write_raw_safetensors(path, R"({"t":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}})", std::string(8, '\0'));
    Diagnostic d = error_of([&] { read_safetensors(path); });
    EXPECT_EQ(d.layer, "t");
    EXPECT_EQ(d.field, "shape");
    std::remove(path.c_str());
}

}  // namespace
}  // namespace netc
