#include "spec/write_spec.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace netc {

namespace {


using json = nlohmann::ordered_json;  // fields in the order written: name and op first

// The spec fields of a clip / leaky_relu / hard_sigmoid (parse_spec.cpp reads them); an
// infinite clip bound is left out (absent = unbounded).
json activation_params_json(Activation a, const ActivationParams &p) {
    json j = json::object();
    if (a == Activation::Clip) {
        if (std::isfinite(p.alpha)) j["min"] = p.alpha;
        if (std::isfinite(p.beta)) j["max"] = p.beta;
    } else if (a == Activation::LeakyRelu) {
        j["alpha"] = p.alpha;
    } else if (a == Activation::HardSigmoid) {
        j["alpha"] = p.alpha;
        j["beta"] = p.beta;
    }
    return j;
}

json pair(int h, int w) { return h == w ? json(h) : json::array({h, w}); }

json padding(const Padding &p) { return json::array({p.top, p.left, p.bottom, p.right}); }

json layer_json(const Graph &g, size_t i) {
    const Layer &l = g.layers[i];
    json j = {{"name", l.name}, {"op", op_name(l.op)}};
    if (reads_several_inputs(l.op)) {
        json names = json::array();
        for (int in : l.inputs) names.push_back(g.layers[size_t(in)].name);
        j["inputs"] = names;
    } else if (l.inputs.at(0) != int(i) - 1) {
        j["input"] = g.layers[size_t(l.inputs[0])].name;
    }
    switch (l.op) {
    case OpKind::Conv2D:
        j["filters"] = l.filters;
        if (l.groups != 1) j["groups"] = l.groups;
        [[fallthrough]];
    case OpKind::DepthwiseConv2D:
        j["kernel"] = pair(l.kernel_h, l.kernel_w);
        j["stride"] = pair(l.stride_h, l.stride_w);
        if (l.dilation_h != 1 || l.dilation_w != 1) j["dilation"] = pair(l.dilation_h, l.dilation_w);
        if (l.op == OpKind::DepthwiseConv2D && l.multiplier != 1) j["multiplier"] = l.multiplier;
        j["padding"] = padding(l.padding);
        j["bias"] = l.bias;
        break;
    case OpKind::AvgPool:
    case OpKind::MaxPool:
        j["kernel"] = pair(l.kernel_h, l.kernel_w);
        j["stride"] = pair(l.stride_h, l.stride_w);
        j["padding"] = padding(l.padding);
        break;
    case OpKind::Dense:
        j["units"] = l.filters;
        j["bias"] = l.bias;
        break;
    case OpKind::BatchNorm: j["epsilon"] = l.epsilon; break;
    case OpKind::Reshape: j["shape"] = json::array({l.reshape_to.h, l.reshape_to.w, l.reshape_to.c}); break;
    case OpKind::Resize: {
        const ResizeAttrs &r = l.resize;
        j["size"] = pair(r.height, r.width);
        j["mode"] = resize_mode_name(r.mode);
        j["coordinate_transformation_mode"] = resize_coordinate_name(r.coordinate);
        if (r.mode == ResizeAttrs::Nearest) j["nearest_mode"] = resize_rounding_name(r.nearest);
        if (r.scale_h > 0) j["scales"] = json::array({r.scale_h, r.scale_w});
        if (r.mode == ResizeAttrs::Cubic) {
            j["cubic_coeff_a"] = r.cubic_a;
            if (r.exclude_outside) j["exclude_outside"] = true;
        }
        if (r.coordinate == ResizeAttrs::TfCropAndResize) {
            j["roi"] = json::array({r.roi[0], r.roi[1], r.roi[2], r.roi[3]});
            j["extrapolation_value"] = r.extrapolation_value;
        }
        break;
    }
    case OpKind::Softmax:
        if (l.softmax_axis != SoftmaxAxis::Channels) j["axis"] = softmax_axis_name(l.softmax_axis);
        break;
    case OpKind::Pad:
        j["padding"] = padding(l.padding);
        j["mode"] = pad_mode_name(l.pad_mode);
        if (l.pad_mode == PadMode::Constant && l.pad_value != 0) j["value"] = l.pad_value;
        break;
    case OpKind::ConvTranspose2D:
        j["filters"] = l.filters;
        if (l.groups != 1) j["groups"] = l.groups;
        j["kernel"] = pair(l.kernel_h, l.kernel_w);
        j["stride"] = pair(l.stride_h, l.stride_w);
        if (l.dilation_h != 1 || l.dilation_w != 1) j["dilation"] = pair(l.dilation_h, l.dilation_w);
        j["padding"] = padding(l.padding);
        if (l.output_pad_h || l.output_pad_w) j["output_padding"] = json::array({l.output_pad_h, l.output_pad_w});
        j["bias"] = l.bias;
        break;
    case OpKind::Clip:
    case OpKind::LeakyRelu:
    case OpKind::HardSigmoid: j.update(activation_params_json(activation_of(l.op), l.act)); break;
    default: break;
    }
    if ((l.op == OpKind::Conv2D || l.op == OpKind::DepthwiseConv2D || l.op == OpKind::Dense || l.op == OpKind::ConvTranspose2D) &&
        l.activation != Activation::None) {
        if (activation_has_params(l.activation)) {
            json a = {{"op", activation_name(l.activation)}};
            a.update(activation_params_json(l.activation, l.act));
            j["activation"] = a;
        } else {
            j["activation"] = activation_name(l.activation);
        }
    }
    return j;
}

}  // namespace

std::string spec_json(const Graph &g, const std::string &weights_file, const std::string &description) {
    json input = {{"name", g.input.name}, {"shape", {g.input.shape.h, g.input.shape.w, g.input.shape.c}}};
    if (!g.input.mean.empty()) input["mean"] = g.input.mean;
    if (!g.input.scale.empty()) input["scale"] = g.input.scale;
    json outputs = json::array();
    for (int o : g.outputs) outputs.push_back(g.layers[size_t(o)].name);
    // One layer per line, as the bundled specs are written.
    std::string layers;
    for (size_t i = 1; i < g.layers.size(); i++) layers += std::string(i > 1 ? ",\n" : "") + "    " + layer_json(g, i).dump();
    json top = {{"netc", 1}, {"name", g.name}, {"description", description}, {"input", input}, {"weights", {{"file", weights_file}}}};
    std::string text = "{\n";
    for (const char *key : {"netc", "name", "description", "input", "weights"}) text += "  \"" + std::string(key) + "\": " + top[key].dump() + ",\n";
    text += "  \"layers\": [\n" + layers + "\n  ],\n  \"outputs\": " + outputs.dump() + "\n}\n";
    return text;
}

}  // namespace netc
