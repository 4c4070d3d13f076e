#include "spec/parse_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "spec/parse_json.h"
#include "spec/field_reader.h"
#include "spec/parse_detection.h"

namespace netc {


namespace {

// The fields each op accepts besides name/op/input. Anything else is a typo to report.
const std::set<std::string> &allowed_fields(OpKind k) {
    static const std::set<std::string> conv = {"filters", "kernel", "stride", "padding", "dilation",
                                               "groups", "bias", "activation", "scale_width"};
    static const std::set<std::string> dw = {"kernel", "stride", "padding", "dilation", "multiplier",
                                             "bias", "activation"};
    static const std::set<std::string> bn = {"epsilon"};
    static const std::set<std::string> none = {};
    static const std::set<std::string> pool = {"kernel", "stride", "padding"};
    static const std::set<std::string> dense = {"units", "bias", "activation"};
    static const std::set<std::string> sep = {"filters", "kernel", "stride", "padding", "multiplier",
                                              "activation", "batchnorm", "epsilon", "bias", "scale_width",
                                              "normalize_depthwise"};
    static const std::set<std::string> reshape = {"shape"};
    static const std::set<std::string> clip = {"min", "max"};
    static const std::set<std::string> resize = {"size", "mode", "coordinate_transformation_mode", "nearest_mode", "scales",
                                                 "cubic_coeff_a", "exclude_outside", "roi", "extrapolation_value"};
    static const std::set<std::string> softmax = {"axis"};
    static const std::set<std::string> pad = {"padding", "mode", "value"};
    static const std::set<std::string> conv_transpose = {"filters", "kernel", "stride", "padding", "dilation", "groups",
                                                         "output_padding", "bias", "activation"};
    static const std::set<std::string> alpha = {"alpha"};
    static const std::set<std::string> alpha_beta = {"alpha", "beta"};
    static const std::set<std::string> ir = {"filters", "expansion", "expand_channels", "kernel", "stride", "padding",
                                             "activation", "epsilon", "se_channels", "se_gate", "scale_width"};
    switch (k) {
    case OpKind::InvertedResidual: return ir;
    case OpKind::Conv2D: return conv;
    case OpKind::DepthwiseConv2D: return dw;
    case OpKind::BatchNorm: return bn;
    case OpKind::AvgPool:
    case OpKind::MaxPool: return pool;
    case OpKind::Dense: return dense;
    case OpKind::SeparableConv: return sep;
    case OpKind::Reshape: return reshape;
    case OpKind::Clip: return clip;
    case OpKind::Resize: return resize;
    case OpKind::Softmax: return softmax;
    case OpKind::Pad: return pad;
    case OpKind::ConvTranspose2D: return conv_transpose;
    case OpKind::LeakyRelu: return alpha;
    case OpKind::HardSigmoid: return alpha_beta;
    default: return none;
    }
}

Padding parse_padding(const FieldReader &r, Padding::Mode dflt) {
    Padding p;
    p.mode = dflt;
    if (!r.has("padding")) return p;
    const json &v = r.at("padding");
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s == "same") p.mode = Padding::Same;
        else if (s == "valid") p.mode = Padding::Valid;
        else r.error("padding", "expected \"same\", \"valid\" or [top, left, bottom, right], got \"" + s + "\"");
        return p;
    }
    if (v.is_array() && v.size() == 4) {
        int vals[4];
        for (int i = 0; i < 4; i++) {
            if (!v[i].is_number_integer() || v[i].get<long long>() < 0 || v[i].get<long long>() > 4096)
                r.error("padding", "expected non-negative integers [top, left, bottom, right], got " + v.dump());
            vals[i] = v[i].get<int>();
        }
        p.mode = Padding::Explicit;
        p.top = vals[0], p.left = vals[1], p.bottom = vals[2], p.right = vals[3];
        return p;
    }
    r.error("padding", "expected \"same\", \"valid\" or [top, left, bottom, right], got " + v.dump());
}

// The numbers of a clip, leaky_relu or hard_sigmoid, from the fields of `r` (a layer of that
// op, or a fused "activation" object). Defaults as ONNX and PyTorch have them.
ActivationParams parse_activation_params(const FieldReader &r, Activation a) {
    ActivationParams p;
    switch (a) {
    case Activation::Clip:
        p.alpha = r.number("min", -INFINITY);
        p.beta = r.number("max", INFINITY);
        if (!(p.alpha <= p.beta)) r.error("max", "must be at least min (" + std::to_string(p.alpha) + ")");
        break;
    case Activation::LeakyRelu: p.alpha = r.number("alpha", 0.01f); break;
    case Activation::HardSigmoid:
        p.alpha = r.number("alpha", 0.2f);
        p.beta = r.number("beta", 0.5f);
        break;
    default: break;
    }
    if (!std::isfinite(p.alpha) && a != Activation::Clip) r.error("alpha", "must be a finite number");
    return p;
}

// "activation": a name ("relu6"), or an object for those with numbers ({"op": "clip", "min": 0, "max": 1}).
Activation parse_activation(const FieldReader &r, Activation dflt, ActivationParams *params) {
    static const char *kExpected = "expected \"relu\", \"relu6\", \"hswish\", \"hsigmoid\", \"sigmoid\", \"none\" or an object "
                                   "{\"op\": \"clip\" | \"leaky_relu\" | \"hard_sigmoid\", ...its fields}";
    if (r.has("activation") && r.at("activation").is_object()) {
        const json &o = r.at("activation");
        Activation a;
        const std::string op = o.contains("op") && o["op"].is_string() ? o["op"].get<std::string>() : "";
        if (!activation_from_name(op, &a) || !activation_has_params(a)) r.error("activation.op", kExpected);
        const FieldReader fields = r.child("activation");
        std::set<std::string> allowed = allowed_fields(op_of_activation(a));
        allowed.insert("op");
        fields.reject_unknown(allowed);
        *params = parse_activation_params(fields, a);
        return a;
    }
    std::string s = r.string("activation", activation_name(dflt));
    if (s == "none" || s == "linear") return Activation::None;
    Activation a;
    if (activation_from_name(s, &a) && !activation_has_params(a)) return a;
    r.error("activation", std::string(kExpected) + ", got \"" + s + "\"");
}

// conv_transpose2d's padding is explicit or none ("same" has no single meaning for it), and
// output_padding adds rows/columns at the bottom/right.
void parse_output_padding(const FieldReader &r, Layer &l) {
    if (l.padding.mode == Padding::Same) r.error("padding", "conv_transpose2d takes \"valid\" or [top, left, bottom, right]");
    if (r.has("output_padding")) {
        const json &v = r.at("output_padding");
        auto extra = [&](const json &e, const std::string &field) {
            if (!e.is_number_integer() || e.get<long long>() < 0 || e.get<long long>() > 1024)
                r.error(field, "expected an integer from 0 to 1024, got " + e.dump());
            return e.get<int>();
        };
        if (v.is_array() && v.size() == 2) {
            l.output_pad_h = extra(v[0], "output_padding[0]"), l.output_pad_w = extra(v[1], "output_padding[1]");
        } else if (v.is_array()) {
            r.error("output_padding", "expected an integer or [height, width], got " + v.dump());
        } else {
            l.output_pad_h = l.output_pad_w = extra(v, "output_padding");
        }
    }
}

void parse_layer_attributes(const FieldReader &r, Layer &l) {
    switch (l.op) {
    case OpKind::Conv2D:
    case OpKind::ConvTranspose2D:
        l.filters = r.positive_int("filters", 0, true);
        r.pair("kernel", &l.kernel_h, &l.kernel_w, 1, true);
        r.pair("stride", &l.stride_h, &l.stride_w, 1);
        r.pair("dilation", &l.dilation_h, &l.dilation_w, 1);
        l.groups = r.positive_int("groups", 1);
        l.padding = parse_padding(r, Padding::Valid);
        l.bias = r.boolean("bias", true);
        l.activation = parse_activation(r, Activation::None, &l.act);
        if (l.op == OpKind::ConvTranspose2D) parse_output_padding(r, l);
        break;
    case OpKind::DepthwiseConv2D:
        r.pair("kernel", &l.kernel_h, &l.kernel_w, 1, true);
        r.pair("stride", &l.stride_h, &l.stride_w, 1);
        r.pair("dilation", &l.dilation_h, &l.dilation_w, 1);
        l.multiplier = r.positive_int("multiplier", 1);
        l.padding = parse_padding(r, Padding::Valid);
        l.bias = r.boolean("bias", true);
        l.activation = parse_activation(r, Activation::None, &l.act);
        break;
    case OpKind::BatchNorm:
        l.epsilon = r.positive_number("epsilon", 1e-5f);
        break;
    case OpKind::AvgPool:
    case OpKind::MaxPool:
        r.pair("kernel", &l.kernel_h, &l.kernel_w, 1, true);
        l.stride_h = l.kernel_h, l.stride_w = l.kernel_w;
        if (r.has("stride")) r.pair("stride", &l.stride_h, &l.stride_w, 1);
        l.padding = parse_padding(r, Padding::Valid);
        break;
    case OpKind::Dense:
        l.filters = r.positive_int("units", 0, true);
        l.bias = r.boolean("bias", true);
        l.activation = parse_activation(r, Activation::None, &l.act);
        break;
    case OpKind::SeparableConv:
        l.filters = r.positive_int("filters", 0, true);
        r.pair("kernel", &l.kernel_h, &l.kernel_w, 3);
        r.pair("stride", &l.stride_h, &l.stride_w, 1);
        l.multiplier = r.positive_int("multiplier", 1);
        l.padding = parse_padding(r, Padding::Same);
        l.activation = parse_activation(r, Activation::Relu6, &l.act);
        l.batchnorm = r.boolean("batchnorm", true);
        l.normalize_depthwise = r.boolean("normalize_depthwise", true);
        l.epsilon = r.positive_number("epsilon", 1e-3f);
        // Convolutions followed by BatchNorm carry no bias of their own (the BN shift is it).
        l.bias = r.boolean("bias", !l.batchnorm);
        break;
    case OpKind::InvertedResidual:
        l.filters = r.positive_int("filters", 0, true);
        if (r.has("expansion") == r.has("expand_channels"))
            r.error("expansion", "give exactly one of \"expansion\" (a factor of the input channels) or \"expand_channels\"");
        l.expansion = r.positive_int("expansion", 0);
        l.expand_channels = r.positive_int("expand_channels", 0);
        r.pair("kernel", &l.kernel_h, &l.kernel_w, 3);
        r.pair("stride", &l.stride_h, &l.stride_w, 1);
        l.padding = parse_padding(r, Padding::Same);
        l.activation = parse_activation(r, Activation::Relu6, &l.act);
        l.epsilon = r.positive_number("epsilon", 1e-5f);
        l.se_channels = r.positive_int("se_channels", 0);
        if (r.has("se_gate")) {
            std::string s = r.string("se_gate", "hsigmoid");
            if (!activation_from_name(s, &l.se_gate) || (l.se_gate != Activation::HSigmoid && l.se_gate != Activation::Sigmoid))
                r.error("se_gate", "expected \"hsigmoid\" or \"sigmoid\", got \"" + s + "\"");
        }
        l.bias = false;
        break;
    case OpKind::Clip:
    case OpKind::LeakyRelu:
    case OpKind::HardSigmoid: l.act = parse_activation_params(r, activation_of(l.op)); break;
    case OpKind::Resize: {
        r.pair("size", &l.resize.height, &l.resize.width, 1, true);
        auto named = [&](const char *field, const char *dflt, auto parse, auto *out, const char *expected) {
            const std::string s = r.string(field, dflt);
            if (!parse(s, out)) r.error(field, std::string("expected ") + expected + ", got \"" + s + "\"");
        };
        named("mode", "nearest", resize_mode_from_name, &l.resize.mode, "\"nearest\", \"linear\" or \"cubic\"");
        named("coordinate_transformation_mode", "half_pixel", resize_coordinate_from_name, &l.resize.coordinate,
              "\"half_pixel\", \"pytorch_half_pixel\", \"align_corners\", \"asymmetric\", \"tf_half_pixel_for_nn\" or "
              "\"tf_crop_and_resize\"");
        l.resize.cubic_a = r.number("cubic_coeff_a", -0.75f);
        l.resize.exclude_outside = r.boolean("exclude_outside", false);
        l.resize.extrapolation_value = r.number("extrapolation_value", 0.0f);
        if (r.has("roi")) {
            const json &roi = r.at("roi");
            if (!roi.is_array() || roi.size() != 4) r.error("roi", "expected [top, left, bottom, right] as fractions of the input, got " + roi.dump());
            for (size_t k = 0; k < 4; k++) {
                if (!roi[k].is_number() || !std::isfinite(roi[k].get<double>()) || std::abs(roi[k].get<double>()) > 1e6)
                    r.error("roi[" + std::to_string(k) + "]", "expected a number, got " + roi[k].dump());
                l.resize.roi[k] = roi[k].get<double>();
            }
        }
        named("nearest_mode", "round_prefer_floor", resize_rounding_from_name, &l.resize.nearest,
              "\"round_prefer_floor\", \"round_prefer_ceil\", \"floor\" or \"ceil\"");
        if (r.has("scales")) {
            const std::vector<float> sc = r.positive_numbers("scales", 2, {});
            l.resize.scale_h = sc[0], l.resize.scale_w = sc[1];
        }
        break;
    }
    case OpKind::Softmax: {
        const std::string s = r.string("axis", "channels");
        if (!softmax_axis_from_name(s, &l.softmax_axis)) r.error("axis", "expected \"channels\", \"width\" or \"height\", got \"" + s + "\"");
        break;
    }
    case OpKind::Pad: {
        r.require("padding");
        l.padding = parse_padding(r, Padding::Explicit);
        if (l.padding.mode != Padding::Explicit) r.error("padding", "expected [top, left, bottom, right]");
        const std::string s = r.string("mode", "constant");
        if (!pad_mode_from_name(s, &l.pad_mode)) r.error("mode", "expected \"constant\", \"edge\" or \"reflect\", got \"" + s + "\"");
        l.pad_value = r.number("value", 0.0f);
        if (!std::isfinite(l.pad_value)) r.error("value", "must be a finite number");
        break;
    }
    case OpKind::Reshape: {
        const json &shape = r.require("shape");
        if (!shape.is_array() || shape.size() != 3)
            r.error("shape", "expected [height, width, channels] (one of them may be -1), got " + shape.dump());
        int dims[3], inferred = 0;
        for (int k = 0; k < 3; k++) {
            const std::string field = "shape[" + std::to_string(k) + "]";
            if (shape[size_t(k)].is_number_integer() && shape[size_t(k)].get<long long>() == -1) {
                dims[k] = -1;
                if (++inferred > 1) r.error(field, "only one dimension may be -1");
            } else {
                dims[k] = r.positive_int_value(shape[size_t(k)], field);
            }
        }
        l.reshape_to = Shape{dims[0], dims[1], dims[2]};
        break;
    }
    default: break;
    }
}

InputInfo parse_input(const json &root, const std::string &file) {
    if (!root.contains("input")) fail(file, "", "input", "missing required field");
    const json &in = root["input"];
    if (!in.is_object()) fail(file, "", "input", "expected an object with name, shape, layout, dtype");
    FieldReader r(in, file, "", "input");
    r.reject_unknown({"name", "shape", "layout", "dtype", "mean", "scale"});
    InputInfo info;
    info.name = r.string("name", "input");
    const json &shape = r.require("shape");
    if (!shape.is_array() || shape.size() != 3)
        r.error("shape", "expected [height, width, channels], got " + shape.dump());
    info.shape.h = r.positive_int_value(shape[0], "shape[0]");
    info.shape.w = r.positive_int_value(shape[1], "shape[1]");
    info.shape.c = r.positive_int_value(shape[2], "shape[2]");
    std::string layout = r.string("layout", "HWC");
    if (layout != "HWC") r.error("layout", "only \"HWC\" is supported, got \"" + layout + "\"");
    std::string dtype = r.string("dtype", "float32");
    if (dtype != "float32") r.error("dtype", "only \"float32\" is supported, got \"" + dtype + "\"");
    info.mean = r.per_channel("mean", info.shape.c, 0.0f);
    info.scale = r.per_channel("scale", info.shape.c, 1.0f);
    return info;
}

WeightsSource parse_weights(const json &root, const std::string &file) {
    WeightsSource w;
    if (!root.contains("weights")) fail(file, "", "weights", "missing required field: {\"file\": \"x.safetensors\"} or {\"init\": \"random\", \"seed\": N}");
    const json &v = root["weights"];
    if (!v.is_object()) fail(file, "", "weights", "expected an object, got " + v.dump());
    FieldReader r(v, file, "", "weights");
    r.reject_unknown({"file", "init", "seed"});
    if (r.has("file") == r.has("init"))
        r.error("", "give exactly one of \"file\" (a safetensors path) or \"init\": \"random\"");
    if (r.has("file")) {
        w.file = r.string("file", "");
        if (w.file.empty()) r.error("file", "empty path");
        if (w.file[0] != '/') {
            size_t slash = file.find_last_of('/');
            if (slash != std::string::npos) w.file = file.substr(0, slash + 1) + w.file;
        }
        if (r.has("seed")) r.error("seed", "only meaningful with \"init\": \"random\"");
    } else {
        std::string init = r.string("init", "");
        if (init != "random") r.error("init", "expected \"random\", got \"" + init + "\"");
        w.random = true;
        const json &s = r.require("seed");
        if (!s.is_number_unsigned()) r.error("seed", "expected a non-negative integer, got " + s.dump());
        w.seed = s.get<uint64_t>();
    }
    return w;
}

}  // namespace

Graph parse_spec_text(const std::string &text, const std::string &file) {
    const json root = parse_json(text, file);
    if (!root.is_object()) fail(file, "", "", "expected a JSON object at the top level");
    FieldReader top(root, file, "", "");
    for (auto it = root.begin(); it != root.end(); ++it) {
        static const std::vector<std::string> known = {"netc", "name", "input", "weights", "layers", "outputs", "description", "width_divisor", "detection"};
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            fail(file, "", it.key(), "unknown top-level field" + suggestion(it.key(), known));
    }
    if (!root.contains("netc") || !root["netc"].is_number_integer() || root["netc"].get<long long>() != 1)
        fail(file, "", "netc", "expected \"netc\": 1 (the spec format version)");

    top.string("description", "");  // free text, but text: a number or object there is a mistake worth naming

    Graph g;
    g.spec_file = file;
    if (!root.contains("name") || !root["name"].is_string()) fail(file, "", "name", "missing or not a string");
    g.name = root["name"].get<std::string>();
    if (g.name.empty() || !std::all_of(g.name.begin(), g.name.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '_'; }) ||
        std::isdigit((unsigned char)g.name[0]))
        fail(file, "", "name", "must be a C identifier (letters, digits, '_'), since it names the generated functions; got \"" + g.name + "\"");
    g.input = parse_input(root, file);
    g.width_divisor = top.positive_int("width_divisor", 1);
    g.weights = parse_weights(root, file);

    Layer input;
    input.name = g.input.name;
    input.op = OpKind::Input;
    input.origin = "input";
    g.layers.push_back(input);

    if (!root.contains("layers") || !root["layers"].is_array() || root["layers"].empty())
        fail(file, "", "layers", "expected a non-empty array of layers");
    const json &layers = root["layers"];
    for (size_t i = 0; i < layers.size(); i++) {
        std::string path = "layers[" + std::to_string(i) + "]";
        const json &lj = layers[i];
        if (!lj.is_object()) fail(file, "", path, "expected an object, got " + lj.dump());
        Layer l;
        l.origin = path;
        FieldReader pre(lj, file, "", path);
        l.name = pre.string("name", "", true);
        if (l.name.empty()) pre.error("name", "must not be empty");
        FieldReader r(lj, file, l.name, path);
        if (g.find(l.name) >= 0) r.error("name", "a layer (or the input) is already named '" + l.name + "'");
        std::string op = r.string("op", "", true);
        if (!op_from_name(op, &l.op)) {
            const std::vector<std::string> known = spec_op_names();
            std::string list;
            for (auto &k : known) list += (list.empty() ? "" : ", ") + k;
            r.error("op", "unknown op \"" + op + "\"" + suggestion(op, known) + "; known ops: " + list);
        }
        const bool multi = reads_several_inputs(l.op);
        std::set<std::string> allowed = allowed_fields(l.op);
        allowed.insert({"name", "op", multi ? "inputs" : "input"});
        r.reject_unknown(allowed);
        if (multi) {
            const json &ins = r.require("inputs");
            const size_t min = 2, max = l.op == OpKind::Concat ? 64 : 2;
            if (!ins.is_array() || ins.size() < min || ins.size() > max)
                r.error("inputs", std::string("expected an array of ") + (l.op == OpKind::Concat ? "at least 2" : "exactly 2") +
                                      " layer names, got " + ins.dump());
            for (size_t k = 0; k < ins.size(); k++) {
                const std::string field = "inputs[" + std::to_string(k) + "]";
                if (!ins[k].is_string()) r.error(field, "expected a layer name, got " + ins[k].dump());
                int idx = g.find(ins[k].get<std::string>());
                if (idx < 0) r.error(field, "no earlier layer or input is named '" + ins[k].get<std::string>() + "'");
                l.inputs.push_back(idx);
            }
        } else if (r.has("input")) {
            std::string src = r.string("input", "");
            int idx = g.find(src);
            if (idx < 0) r.error("input", "no earlier layer or input is named '" + src + "'");
            l.inputs.push_back(idx);
        } else {
            l.inputs.push_back(int(g.layers.size()) - 1);
        }
        parse_layer_attributes(r, l);
        l.scale_width = r.boolean("scale_width", true);
        g.layers.push_back(std::move(l));
    }

    if (!root.contains("outputs") || !root["outputs"].is_array() || root["outputs"].empty())
        fail(file, "", "outputs", "expected a non-empty array of layer names");
    for (size_t i = 0; i < root["outputs"].size(); i++) {
        const json &o = root["outputs"][i];
        std::string path = "outputs[" + std::to_string(i) + "]";
        if (!o.is_string()) fail(file, "", path, "expected a layer name, got " + o.dump());
        int idx = g.find(o.get<std::string>());
        if (idx <= 0) fail(file, "", path, "no layer is named '" + o.get<std::string>() + "'");
        if (std::find(g.outputs.begin(), g.outputs.end(), idx) != g.outputs.end())
            fail(file, "", path, "layer '" + o.get<std::string>() + "' is listed twice");
        g.outputs.push_back(idx);
    }
    if (root.contains("detection")) g.detection = parse_detection(root["detection"], g);
    return g;
}

Graph parse_spec_file(const std::string &path) {
    return parse_spec_text(read_file(path, "spec file"), path);
}

}  // namespace netc
