#include "ir/graph.h"

#include <cctype>

namespace netc {

namespace {
struct OpNameEntry {
    OpKind kind;
    const char *name;
};
const OpNameEntry kOpNames[] = {
    {OpKind::Input, "input"},
    {OpKind::Conv2D, "conv2d"},
    {OpKind::DepthwiseConv2D, "depthwise_conv2d"},
    {OpKind::BatchNorm, "batchnorm"},
    {OpKind::Affine, "affine"},
    {OpKind::Relu, "relu"},
    {OpKind::Relu6, "relu6"},
    {OpKind::HSwish, "hswish"},
    {OpKind::HSigmoid, "hsigmoid"},
    {OpKind::Sigmoid, "sigmoid"},
    {OpKind::Clip, "clip"},
    {OpKind::LeakyRelu, "leaky_relu"},
    {OpKind::HardSigmoid, "hard_sigmoid"},
    {OpKind::GlobalAvgPool, "global_avgpool"},
    {OpKind::AvgPool, "avgpool"},
    {OpKind::MaxPool, "maxpool"},
    {OpKind::Dense, "dense"},
    {OpKind::Softmax, "softmax"},
    {OpKind::Add, "add"},
    {OpKind::Mul, "mul"},
    {OpKind::Concat, "concat"},
    {OpKind::Reshape, "reshape"},
    {OpKind::Resize, "resize"},
    {OpKind::Pad, "pad"},
    {OpKind::ConvTranspose2D, "conv_transpose2d"},
    {OpKind::SeparableConv, "separable_conv"},
    {OpKind::InvertedResidual, "inverted_residual"},
};
}  // namespace

std::string identifier_safe(const std::string &name) {
    std::string out;
    for (char ch : name) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return out;
}

std::string to_string(const Shape &s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

const char *op_name(OpKind k) {
    for (const auto &e : kOpNames)
        if (e.kind == k) return e.name;
    return "?";
}

std::vector<std::string> spec_op_names() {
    std::vector<std::string> names;
    for (const auto &e : kOpNames)
        if (e.kind != OpKind::Input) names.push_back(e.name);
    return names;
}

bool op_from_name(const std::string &s, OpKind *k) {
    for (const auto &e : kOpNames) {
        if (s == e.name && e.kind != OpKind::Input) {
            *k = e.kind;
            return true;
        }
    }
    return false;
}

namespace {
struct ActivationEntry {
    Activation activation;
    OpKind op;
};
const ActivationEntry kActivations[] = {{Activation::Relu, OpKind::Relu},
                                        {Activation::Relu6, OpKind::Relu6},
                                        {Activation::HSwish, OpKind::HSwish},
                                        {Activation::HSigmoid, OpKind::HSigmoid},
                                        {Activation::Sigmoid, OpKind::Sigmoid},
                                        {Activation::Clip, OpKind::Clip},
                                        {Activation::LeakyRelu, OpKind::LeakyRelu},
                                        {Activation::HardSigmoid, OpKind::HardSigmoid}};
}  // namespace

namespace {
const char *const kResizeModes[] = {"nearest", "linear", "cubic"};
const char *const kResizeCoordinates[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn",
                                          "tf_crop_and_resize"};
const char *const kSoftmaxAxes[] = {"channels", "width", "height"};
const char *const kPadModes[] = {"constant", "edge", "reflect"};
const char *const kResizeRoundings[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

template <typename E, size_t N>
bool from_name(const char *const (&names)[N], const std::string &s, E *out) {
    for (size_t i = 0; i < N; i++)
        if (s == names[i]) {
            *out = E(i);
            return true;
        }
    return false;
}
}  // namespace

const char *resize_mode_name(ResizeAttrs::Mode m) { return kResizeModes[m]; }
const char *resize_coordinate_name(ResizeAttrs::Coordinate c) { return kResizeCoordinates[c]; }
const char *resize_rounding_name(ResizeAttrs::Rounding r) { return kResizeRoundings[r]; }
bool resize_mode_from_name(const std::string &s, ResizeAttrs::Mode *m) { return from_name(kResizeModes, s, m); }
bool resize_coordinate_from_name(const std::string &s, ResizeAttrs::Coordinate *c) { return from_name(kResizeCoordinates, s, c); }
bool resize_rounding_from_name(const std::string &s, ResizeAttrs::Rounding *r) { return from_name(kResizeRoundings, s, r); }

const char *softmax_axis_name(SoftmaxAxis a) { return kSoftmaxAxes[int(a)]; }
bool softmax_axis_from_name(const std::string &s, SoftmaxAxis *a) { return from_name(kSoftmaxAxes, s, a); }
const char *pad_mode_name(PadMode m) { return kPadModes[int(m)]; }
bool pad_mode_from_name(const std::string &s, PadMode *m) { return from_name(kPadModes, s, m); }

bool activation_has_params(Activation a) { return a == Activation::Clip || a == Activation::LeakyRelu || a == Activation::HardSigmoid; }

bool reads_several_inputs(OpKind k) { return k == OpKind::Add || k == OpKind::Mul || k == OpKind::Concat; }

bool activation_from_name(const std::string &s, Activation *a) {
    OpKind k;
    return op_from_name(s, &k) && activation_of_op(k, a);
}

const char *activation_name(Activation a) { return a == Activation::None ? "none" : op_name(op_of_activation(a)); }

bool activation_of_op(OpKind k, Activation *a) {
    for (const auto &e : kActivations)
        if (e.op == k) {
            *a = e.activation;
            return true;
        }
    return false;
}

Activation activation_of(OpKind k) {
    Activation a = Activation::None;
    activation_of_op(k, &a);
    return a;
}

OpKind op_of_activation(Activation a) {
    for (const auto &e : kActivations)
        if (e.activation == a) return e.op;
    return OpKind::Input;
}

const char *model_format_name(ModelFormat f) {
    switch (f) {
    case ModelFormat::Spec: return "netc spec";
    case ModelFormat::Onnx: return "ONNX model";
    case ModelFormat::TfjsLayers: return "TF.js layers model";
    case ModelFormat::TfjsGraph: return "TF.js graph model";
    }
    return "model";
}

int Graph::find(const std::string &layer_name) const {
    for (size_t i = 0; i < layers.size(); i++)
        if (layers[i].name == layer_name) return int(i);
    return -1;
}

bool Graph::is_output(int i) const {
    for (int o : outputs)
        if (o == i) return true;
    return false;
}

std::vector<int> Graph::consumers(int i) const {
    std::vector<int> out;
    for (size_t j = 0; j < layers.size(); j++)
        for (int in : layers[j].inputs)
            if (in == i) {
                out.push_back(int(j));
                break;
            }
    return out;
}

}  // namespace netc

namespace netc {

Graph bypass_layer(const Graph &g, int j) {
    Graph out = g;
    out.layers.clear();
    const int producer = g.layers[size_t(j)].inputs[0];
    auto remap = [&](int i) {
        if (i == j) i = producer;
        return i > j ? i - 1 : i;
    };
    for (size_t i = 0; i < g.layers.size(); i++) {
        if (int(i) == j) continue;
        Layer l = g.layers[i];
        for (int &in : l.inputs) in = remap(in);
        out.layers.push_back(std::move(l));
    }
    for (int &o : out.outputs) o = remap(o);
    return out;
}

}  // namespace netc
