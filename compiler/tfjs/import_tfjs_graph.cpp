// A TF.js graph model (a TensorFlow GraphDef as JSON, what tensorflowjs_converter writes for a
// SavedModel) → netc layers. TF is NHWC like netc, so values need no layout tracking: each node
// output is either a constant (a Const node, filled from the weight of its name) or the netc
// layer that holds it.
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "spec/diagnostic.h"
#include "spec/weights.h"
#include "tfjs/tf_weights.h"
#include "tfjs/tfjs_importer.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

using json = nlohmann::json;

namespace {

// A node's input reference: "name", "name:0" (output 0), or "^name" (a control edge).
std::string node_of(const std::string &ref) {
    std::string r = ref[0] == '^' ? ref.substr(1) : ref;
    const size_t colon = r.find(':');
    return colon == std::string::npos ? r : r.substr(0, colon);
}

std::string base64_decode(const std::string &in) {
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    // Only the bits not yet written are kept (at most 14): the accumulator never overflows.
    unsigned bits = 0, value = 0;
    for (char c : in) {
        const size_t k = chars.find(c);
        if (k == std::string::npos) continue;  // padding
        value = ((value << 6) | unsigned(k)) & 0x3fffu, bits += 6;
        if (bits >= 8) bits -= 8, out += char((value >> bits) & 0xffu);
    }
    return out;
}

// A JSON field as a string, or `dflt` when it is absent or not a string.
std::string string_field(const json &j, const char *key, const std::string &dflt) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : dflt;
}

// A node's data inputs (control edges "^name" left out), by node name.
std::vector<std::string> inputs_of(const json &n) {
    std::vector<std::string> v;
    if (n.is_object() && n.contains("input") && n["input"].is_array())
        for (const json &i : n["input"])
            if (i.is_string() && !i.get<std::string>().empty() && i.get<std::string>()[0] != '^') v.push_back(node_of(i.get<std::string>()));
    return v;
}

class GraphImporter : TfjsImporter {
public:
    GraphImporter(const TfjsModelFile &file, const std::string &name) : TfjsImporter(file, name, ModelFormat::TfjsGraph, "node") {}

    Graph run() {
        const json &nodes = file_.topology.contains("node") ? file_.topology["node"] : json();
        if (!nodes.is_array() || nodes.empty()) fail(file_.path, "", "modelTopology.node", "no nodes");
        std::set<std::string> read;
        for (const json &n : nodes)
            for (const std::string &i : inputs_of(n)) read.insert(i);
        for (size_t k = 0; k < nodes.size(); k++) {
            const json &n = nodes[k];
            translate_one(string_field(n, "name", "node" + std::to_string(k)), string_field(n, "op", ""),
                          "modelTopology.node[" + std::to_string(k) + "]", [&] {
                              if (!n.is_object()) unsupported("expected a node (a JSON object), got " + n.dump());
                              translate(n);
                          });
        }
        // Outputs: the signature's, else every computed node nothing reads.
        std::vector<std::string> outputs;
        const json &signature = file_.signature;
        if (signature.is_object() && signature.contains("outputs") && signature["outputs"].is_object())
            for (const auto &[key, o] : signature["outputs"].items()) outputs.push_back(node_of(string_field(o, "name", key)));
        if (outputs.empty())
            for (const json &n : nodes) {
                const std::string name = string_field(n, "name", "");
                if (string_field(n, "op", "") != "Const" && !name.empty() && !read.count(name)) outputs.push_back(name);
            }
        return finish(outputs);
    }

private:
    const json &attr(const json &n, const std::string &name) {
        static const json none;
        return n.contains("attr") && n["attr"].contains(name) ? n["attr"][name] : none;
    }
    std::string attr_string(const json &n, const std::string &name, const std::string &dflt) {
        const json &a = attr(n, name);
        if (!a.is_object() || !a.contains("s") || !a["s"].is_string()) return dflt;
        std::string s = base64_decode(a["s"].get<std::string>());
        for (char &c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }
    // TF's JSON writes an int64 as a decimal string, an int32 as a number: either, whole.
    int64_t int_of(const json &v, const std::string &what) {
        if (v.is_number_integer()) return v.get<int64_t>();
        const std::string s = v.is_string() ? v.get<std::string>() : "";
        int64_t i = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size()) unsupported(what + " holds " + v.dump() + " where a whole number is needed");
        return i;
    }
    std::vector<int64_t> attr_ints(const json &n, const std::string &name, std::vector<int64_t> dflt) {
        const json &a = attr(n, name);
        if (!a.is_object() || !a.contains("list") || !a["list"].is_object() || !a["list"].contains("i")) return dflt;
        std::vector<int64_t> v;
        for (const json &i : a["list"]["i"]) v.push_back(int_of(i, "attribute " + name));
        return v;
    }
    bool attr_bool(const json &n, const std::string &name) {
        const json &a = attr(n, name);
        return a.is_object() && a.contains("b") && a["b"].is_boolean() && a["b"].get<bool>();
    }
    float attr_float(const json &n, const std::string &name, float dflt) {
        const json &a = attr(n, name);
        if (!a.is_object() || !a.contains("f")) return dflt;
        if (!a["f"].is_number() || !std::isfinite(a["f"].get<double>())) unsupported("attribute " + name + " holds " + a["f"].dump());
        return a["f"].get<float>();
    }
    // A constant input's values as whole numbers (axes, sizes, paddings).
    std::vector<int64_t> constant_ints(const std::vector<std::string> &ins, size_t k, const char *what) {
        const TfjsWeight *w = constant(ins, k);
        if (!w) unsupported(std::string(what) + " (input " + std::to_string(k) + ") must be a constant");
        std::vector<int64_t> v;
        for (float f : w->values) {
            if (!(std::fabs(f) < 1e9f) || f != std::trunc(f)) unsupported(std::string(what) + " holds " + std::to_string(f));
            v.push_back(int64_t(f));
        }
        return v;
    }
    std::vector<std::string> attr_strings(const json &n, const std::string &name) {
        const json &a = attr(n, name);
        std::vector<std::string> v;
        if (a.is_object() && a.contains("list") && a["list"].is_object() && a["list"].contains("s"))
            for (const json &s : a["list"]["s"]) {
                std::string d = base64_decode(s.is_string() ? s.get<std::string>() : "");
                for (char &c : d) c = char(std::tolower(static_cast<unsigned char>(c)));
                v.push_back(d);
            }
        return v;
    }

    int activation(const std::vector<std::string> &ins, size_t k) {
        if (k < ins.size() && constants_.count(ins[k]))
            unsupported("input '" + ins[k] + "' is a constant where netc needs an activation (netc takes constants only as weights)");
        return value(ins, k);
    }
    const TfjsWeight *constant(const std::vector<std::string> &ins, size_t k) {
        if (k >= ins.size()) return nullptr;
        const auto it = constants_.find(ins[k]);
        return it == constants_.end() ? nullptr : it->second;
    }
    const TfjsWeight &constant_of_shape(const std::vector<std::string> &ins, size_t k, const std::vector<int64_t> &shape, const char *what) {
        const TfjsWeight *w = constant(ins, k);
        if (!w) unsupported(std::string(what) + " (input " + std::to_string(k) + ") must be a constant");
        if (w->shape != shape) unsupported(std::string(what) + " has shape " + shape_string(w->shape) + ", netc needs " + shape_string(shape));
        return *w;
    }
    // TF's padding: SAME (its asymmetric rule, netc's "same"), VALID, or EXPLICIT pads.
    Padding padding(const json &n) {
        const std::string p = attr_string(n, "padding", "VALID");
        Padding pad;
        if (p == "SAME") pad.mode = Padding::Same;
        else if (p == "VALID") pad.mode = Padding::Valid;
        else if (p == "EXPLICIT") {
            const std::vector<int64_t> e = attr_ints(n, "explicit_paddings", {});
            if (e.size() != 8 || e[0] || e[1] || e[6] || e[7]) unsupported("explicit_paddings " + shape_string(e));
            pad.mode = Padding::Explicit;
            pad.top = int(e[2]), pad.bottom = int(e[3]), pad.left = int(e[4]), pad.right = int(e[5]);
        } else unsupported("padding " + p);
        return pad;
    }
    void window(const json &n, Layer &l, const char *size_attr) {
        if (attr_string(n, "data_format", "NHWC") != "NHWC") unsupported("data_format other than NHWC");
        const std::vector<int64_t> s = attr_ints(n, "strides", {1, 1, 1, 1}), d = attr_ints(n, "dilations", {1, 1, 1, 1});
        if (s.size() != 4 || d.size() != 4 || s[0] != 1 || s[3] != 1 || d[0] != 1 || d[3] != 1) unsupported("strides/dilations " + shape_string(s) + " " + shape_string(d));
        for (int64_t v : {s[1], s[2], d[1], d[2]})
            if (v < 1 || v > 4096) unsupported("a stride or dilation of " + std::to_string(v));
        l.stride_h = int(s[1]), l.stride_w = int(s[2]), l.dilation_h = int(d[1]), l.dilation_w = int(d[2]);
        if (size_attr) {
            const std::vector<int64_t> k = attr_ints(n, size_attr, {});
            if (k.size() != 4 || k[0] != 1 || k[3] != 1 || k[1] < 1 || k[2] < 1 || k[1] > 4096 || k[2] > 4096) unsupported(std::string(size_attr) + " " + shape_string(k));
            l.kernel_h = int(k[1]), l.kernel_w = int(k[2]);
        }
        l.padding = padding(n);
    }

    // A fused op's tail: fused_ops [BiasAdd(, Relu | Relu6)].
    void fused_tail(const json &n, const std::vector<std::string> &ins, Layer &l, std::map<std::string, Tensor> &params, int64_t out) {
        const std::vector<std::string> ops = attr_strings(n, "fused_ops");
        if (ops.empty()) return;
        if (ops[0] != "biasadd" || ops.size() > 2) unsupported("fused_ops other than [BiasAdd(, Relu | Relu6)]");
        l.bias = true;
        params["bias"] = Tensor{{out}, constant_of_shape(ins, 2, {out}, "the bias").values};
        if (ops.size() == 2) {
            Layer act;
            if (ops[1] == "relu") act.op = OpKind::Relu;
            else if (ops[1] == "relu6") act.op = OpKind::Relu6;
            else unsupported("fused activation " + ops[1]);
            pending_activation_ = act.op;
        }
    }
    void add_with_activation(Layer l, std::map<std::string, Tensor> params) {
        const OpKind act = pending_activation_;
        pending_activation_ = OpKind::Input;
        const int at = add(l, std::move(params), act == OpKind::Input ? "" : "_linear");
        if (act == OpKind::Input) {
            set_value(at);
            return;
        }
        Layer a;
        a.op = act;
        a.inputs = {at};
        set_value(add(a));
    }

    // x + c, x - c, c - x, x * c with a scalar or per-channel constant: an affine batchnorm.
    void constant_arithmetic(const std::vector<std::string> &ins) {
        const bool first_const = constant(ins, 0) != nullptr;
        const int x = activation(ins, first_const ? 1 : 0);
        const TfjsWeight &k = *constant(ins, first_const ? 0 : 1);
        const int64_t c = shape_of(x).c, n = int64_t(k.values.size());
        if (n != 1 && n != c) unsupported("a constant of shape " + shape_string(k.shape) + " (netc takes one number, or one per channel)");
        Layer bn;
        bn.op = OpKind::BatchNorm;
        bn.inputs = {x};
        bn.epsilon = 1e-5f;
        std::vector<float> gamma(size_t(c), 1.0f), beta(size_t(c), 0.0f);
        for (int64_t i = 0; i < c; i++) {
            const float v = k.values[size_t(n == 1 ? 0 : i)];
            if (kind_ == "Mul") gamma[size_t(i)] = v;
            else if (kind_ == "Sub") gamma[size_t(i)] = first_const ? -1.0f : 1.0f, beta[size_t(i)] = first_const ? v : -v;
            else beta[size_t(i)] = v;
        }
        auto t = [&](std::vector<float> v) { return Tensor{{c}, std::move(v)}; };
        set_value(add(bn, {{"gamma", t(gamma)}, {"beta", t(beta)}, {"mean", t(std::vector<float>(size_t(c), 0.0f))},
                                    {"var", t(std::vector<float>(size_t(c), float(1.0 - 1e-5)))}}));
    }

    void translate(const json &n) {
        const std::vector<std::string> ins = inputs_of(n);
        if (kind_ == "Const") {
            const auto it = file_.weights.find(current_);
            if (it == file_.weights.end()) unsupported("a constant netc finds no weight for in the manifest");
            constants_[current_] = &it->second;
            return;
        }
        if (kind_ == "Placeholder") {
            std::vector<int64_t> shape;
            const json &a = attr(n, "shape");
            if (a.is_object() && a.contains("shape") && a["shape"].is_object() && a["shape"].contains("dim") && a["shape"]["dim"].is_array())
                for (const json &d : a["shape"]["dim"]) shape.push_back(d.is_object() && d.contains("size") ? int_of(d["size"], "shape") : -1);
            if (shape.size() != 4 || !(shape[0] == -1 || shape[0] == 1) || shape[1] < 1 || shape[2] < 1 || shape[3] < 1 || shape[1] > 16384 ||
                shape[2] > 16384 || shape[3] > 16384)
                unsupported("input shape " + shape_string(shape) + " (netc takes images [-1, H, W, C])");
            if (!g_.layers.empty()) unsupported("a second input (netc models have one)");
            add_input(Shape{int(shape[1]), int(shape[2]), int(shape[3])});
            return;
        }
        if (g_.layers.empty() && kind_ != "NoOp") unsupported("comes before the input (Placeholder)");
        if (kind_ == "Identity" || kind_ == "StopGradient" || kind_ == "NoOp") {
            if (kind_ != "NoOp") set_value(activation(ins, 0));
            return;
        }
        Layer l;
        if (kind_ == "_FusedConv2D" || kind_ == "Conv2D") {
            const int x = activation(ins, 0);
            const Shape in = shape_of(x);
            window(n, l, nullptr);
            const TfjsWeight *f = constant(ins, 1);
            if (!f || f->shape.size() != 4) unsupported("the filter must be a constant [kh, kw, in, out]");
            const int64_t kh = f->shape[0], kw = f->shape[1], cin = f->shape[2], out = f->shape[3];
            if (cin < 1 || in.c % cin) unsupported("a filter of " + std::to_string(cin) + " input channels for " + std::to_string(in.c));
            l.op = OpKind::Conv2D, l.inputs = {x}, l.kernel_h = int(kh), l.kernel_w = int(kw), l.filters = int(out), l.groups = int(in.c / cin);
            std::map<std::string, Tensor> params{{"weight", conv_weight_from_hwio(f->values, kh, kw, cin, out)}};
            fused_tail(n, ins, l, params, out);
            add_with_activation(l, std::move(params));
            return;
        }
        if (kind_ == "FusedDepthwiseConv2dNative" || kind_ == "DepthwiseConv2dNative") {
            const int x = activation(ins, 0);
            const Shape in = shape_of(x);
            window(n, l, nullptr);
            const TfjsWeight *f = constant(ins, 1);
            if (!f || f->shape.size() != 4 || f->shape[2] != in.c) unsupported("the filter must be a constant [kh, kw, " + std::to_string(in.c) + ", multiplier]");
            const int64_t kh = f->shape[0], kw = f->shape[1], m = f->shape[3];
            l.op = OpKind::DepthwiseConv2D, l.inputs = {x}, l.kernel_h = int(kh), l.kernel_w = int(kw), l.multiplier = int(m);
            std::map<std::string, Tensor> params{{"weight", depthwise_weight_from_hwim(f->values, kh, kw, in.c, m)}};
            fused_tail(n, ins, l, params, in.c * m);
            add_with_activation(l, std::move(params));
            return;
        }
        if (kind_ == "_FusedMatMul" || kind_ == "MatMul") {
            const int x = activation(ins, 0);
            const Shape in = shape_of(x);
            if (in.h != 1 || in.w != 1) unsupported("MatMul of a " + to_string(in) + " map (netc's dense takes a vector)");
            if (attr_bool(n, "transpose_a")) unsupported("transpose_a");
            const TfjsWeight *w = constant(ins, 1);
            const bool tb = attr_bool(n, "transpose_b");
            if (!w || w->shape.size() != 2 || w->shape[tb ? 1 : 0] != in.c) unsupported("the weights must be a constant [" + std::to_string(in.c) + ", units]");
            const int64_t units = w->shape[tb ? 0 : 1];
            l.op = OpKind::Dense, l.inputs = {x}, l.filters = int(units);
            std::map<std::string, Tensor> params{{"weight", tb ? Tensor{{units, in.c}, w->values} : dense_weight_from_io(w->values, in.c, units)}};
            fused_tail(n, ins, l, params, units);
            add_with_activation(l, std::move(params));
            return;
        }
        if (kind_ == "Relu" || kind_ == "Relu6" || kind_ == "Sigmoid" || kind_ == "Softmax") {
            l.op = kind_ == "Relu" ? OpKind::Relu : kind_ == "Relu6" ? OpKind::Relu6 : kind_ == "Sigmoid" ? OpKind::Sigmoid : OpKind::Softmax;
            l.inputs = {activation(ins, 0)};
            set_value(add(l));
            return;
        }
        if (kind_ == "AddV2" || kind_ == "Add" || kind_ == "Mul" || kind_ == "Sub" || kind_ == "BiasAdd") {
            if (ins.size() != 2) unsupported("needs two inputs");
            if (constant(ins, 0) || constant(ins, 1)) {
                constant_arithmetic(ins);
                return;
            }
            if (kind_ == "Sub" || kind_ == "BiasAdd") unsupported("of two activations");
            l.op = kind_ == "Mul" ? OpKind::Mul : OpKind::Add;
            l.inputs = {activation(ins, 0), activation(ins, 1)};
            set_value(add(l));
            return;
        }
        if (kind_ == "AvgPool" || kind_ == "MaxPool") {
            l.op = kind_ == "AvgPool" ? OpKind::AvgPool : OpKind::MaxPool;
            l.inputs = {activation(ins, 0)};
            window(n, l, "ksize");
            set_value(add(l));
            return;
        }
        if (kind_ == "Mean") {
            const TfjsWeight *axes = constant(ins, 1);
            std::set<float> a;
            if (axes)
                for (float v : axes->values) a.insert(v < 0 ? v + 4 : v);
            if (a != std::set<float>{1, 2}) unsupported("Mean over axes other than height and width");
            l.op = OpKind::GlobalAvgPool;
            l.inputs = {activation(ins, 0)};
            set_value(add(l));
            return;
        }
        if (kind_ == "Squeeze" || kind_ == "Reshape") {
            // [1, 1, 1, C] → [1, C] keeps netc's 1x1xC; a map flattened to a vector is a reshape.
            const int x = activation(ins, 0);
            const Shape s = shape_of(x);
            if (kind_ == "Squeeze") {
                std::vector<int64_t> axes = attr_ints(n, "squeeze_dims", attr_ints(n, "axis", {}));
                for (int64_t &a : axes) a = a < 0 ? a + 4 : a;
                std::set<int64_t> set(axes.begin(), axes.end());
                if (set != std::set<int64_t>{1, 2} || s.h != 1 || s.w != 1) unsupported("Squeeze other than of a 1x1 map's height and width");
                set_value(x);
                return;
            }
            const TfjsWeight *shape = constant(ins, 1);
            if (!shape || shape->values.size() != 2 || !(shape->values[0] == -1 || shape->values[0] == 1) ||
                !(shape->values[1] == -1 || shape->values[1] == float(s.elements())))
                unsupported("Reshape other than a flattening to [1, N]");
            l.op = OpKind::Reshape, l.inputs = {x}, l.reshape_to = Shape{1, 1, -1};
            set_value(add(l));
            return;
        }
        if (kind_ == "FusedBatchNorm" || kind_ == "FusedBatchNormV3") {
            const int x = activation(ins, 0);
            const int64_t c = shape_of(x).c;
            if (attr_bool(n, "is_training")) unsupported("is_training (netc runs inference)");
            if (attr_string(n, "data_format", "NHWC") != "NHWC") unsupported("data_format other than NHWC");
            l.op = OpKind::BatchNorm, l.inputs = {x};
            l.epsilon = attr_float(n, "epsilon", 0.001f);  // TF.js's default when the attribute is absent
            if (!(l.epsilon > 0)) unsupported("epsilon must be positive");
            std::map<std::string, Tensor> params;
            const char *roles[] = {"gamma", "beta", "mean", "var"}, *names[] = {"the scale", "the offset", "the mean", "the variance"};
            for (size_t k = 0; k < 4; k++) params[roles[k]] = Tensor{{c}, constant_of_shape(ins, k + 1, {c}, names[k]).values};
            set_value(add(l, std::move(params)));
            return;
        }
        if (kind_ == "ConcatV2" || kind_ == "Concat") {
            // ConcatV2: the tensors, then the axis; Concat: the axis first.
            if (ins.size() < 3) unsupported("needs two or more tensors and an axis");
            const size_t axis_at = kind_ == "Concat" ? 0 : ins.size() - 1;
            const std::vector<int64_t> axis = constant_ints(ins, axis_at, "the axis");
            if (axis.size() != 1 || !(axis[0] == 3 || axis[0] == -1)) unsupported("concatenation along an axis other than the channels");
            l.op = OpKind::Concat;
            for (size_t k = 0; k < ins.size(); k++)
                if (k != axis_at) l.inputs.push_back(activation(ins, k));
            set_value(add(l));
            return;
        }
        if (kind_ == "Pad" || kind_ == "PadV2" || kind_ == "MirrorPad") {
            const int x = activation(ins, 0);
            const std::vector<int64_t> p = constant_ints(ins, 1, "the paddings");
            if (p.size() != 8 || p[0] || p[1] || p[6] || p[7]) unsupported("paddings " + shape_string(p) + " (netc pads height and width)");
            for (int64_t v : p)
                if (v < 0 || v > 4096) unsupported("a padding of " + std::to_string(v));
            l.op = OpKind::Pad, l.inputs = {x};
            l.padding.mode = Padding::Explicit;
            l.padding.top = int(p[2]), l.padding.bottom = int(p[3]), l.padding.left = int(p[4]), l.padding.right = int(p[5]);
            if (kind_ == "PadV2") {
                const TfjsWeight *v = constant(ins, 2);
                if (!v || v->values.size() != 1 || !std::isfinite(v->values[0])) unsupported("the constant value (input 2) must be one finite number");
                l.pad_value = v->values[0];
            } else if (kind_ == "MirrorPad") {
                const std::string mode = attr_string(n, "mode", "");
                if (mode != "REFLECT") unsupported("mode " + mode + " (netc mirrors about the edge pixel: REFLECT)");
                l.pad_mode = PadMode::Reflect;
            }
            set_value(add(l));
            return;
        }
        if (kind_ == "ResizeBilinear" || kind_ == "ResizeNearestNeighbor") {
            const int x = activation(ins, 0);
            const std::vector<int64_t> size = constant_ints(ins, 1, "the size");
            if (size.size() != 2) unsupported("the size must be [height, width]");
            const bool align = attr_bool(n, "align_corners"), half = attr_bool(n, "half_pixel_centers");
            if (align && half) unsupported("align_corners with half_pixel_centers");
            l.op = OpKind::Resize, l.inputs = {x};
            l.resize.height = int(size[0]), l.resize.width = int(size[1]);
            // TF's coordinate rules, as ONNX names them. Bilinear: align_corners, half-pixel, or
            // the legacy x * in / out. Nearest: round(x * (in-1)/(out-1)) with aligned corners,
            // floor((x + 0.5) * in / out) with half-pixel centers, else floor(x * in / out).
            if (kind_ == "ResizeBilinear") {
                l.resize.mode = ResizeAttrs::Linear;
                l.resize.coordinate = align ? ResizeAttrs::AlignCorners : half ? ResizeAttrs::HalfPixel : ResizeAttrs::Asymmetric;
            } else {
                l.resize.mode = ResizeAttrs::Nearest;
                l.resize.coordinate = align ? ResizeAttrs::AlignCorners : half ? ResizeAttrs::TfHalfPixelForNn : ResizeAttrs::Asymmetric;
                l.resize.nearest = align ? ResizeAttrs::RoundPreferCeil : ResizeAttrs::Floor;
            }
            set_value(add(l));
            return;
        }
        unsupported("op not supported");
    }

    std::map<std::string, const TfjsWeight *> constants_;
    OpKind pending_activation_ = OpKind::Input;  // a fused op's activation, added after it
};

}  // namespace

Graph import_tfjs_graph_model(const TfjsModelFile &file, const std::string &name) { return GraphImporter(file, name).run(); }

}  // namespace netc
