// A TF.js graph model (a TensorFlow GraphDef as JSON, what tensorflowjs_converter writes for a
// SavedModel) → netc layers. TF is NHWC like netc, so values need no layout tracking: each node
// output is either a constant (a Const node, filled from the weight of its name) or the netc
// layer that holds it.
#include <cctype>
#include <map>
#include <set>

#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "tfjs/import_tfjs.h"
#include "tfjs/tf_weights.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

using json = nlohmann::json;

namespace {

struct Unsupported {};

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

class GraphImporter {
public:
    GraphImporter(const TfjsModelFile &file, std::string name) : file_(file) {
        g_.name = std::move(name);
        g_.spec_file = file.path;
    }

    Graph run() {
        const json &nodes = file_.topology.value("node", json::array());
        if (!nodes.is_array() || nodes.empty()) fail(file_.path, "", "modelTopology.node", "no nodes");
        std::map<std::string, int> readers;
        for (const json &n : nodes)
            for (const json &i : n.value("input", json::array()))
                if (i.is_string() && !i.get<std::string>().empty() && i.get<std::string>()[0] != '^') readers[node_of(i.get<std::string>())]++;
        for (size_t k = 0; k < nodes.size(); k++) {
            const json &n = nodes[k];
            node_ = n.value("name", std::string("node") + std::to_string(k));
            op_ = n.value("op", std::string());
            origin_ = "modelTopology.node[" + std::to_string(k) + "]";
            try {
                translate(n);
            } catch (const Unsupported &) {
                failed_.insert(node_);
            }
        }
        // Outputs: the signature's, else every computed node nothing reads.
        std::vector<std::string> outputs;
        const json signature = file_.signature;
        if (signature.is_object() && signature.contains("outputs") && signature["outputs"].is_object())
            for (const auto &[key, o] : signature["outputs"].items())
                outputs.push_back(node_of(o.is_object() && o.contains("name") ? o["name"].get<std::string>() : key));
        if (outputs.empty())
            for (const json &n : nodes)
                if (n.value("op", std::string()) != "Const" && !readers.count(n.value("name", std::string()))) outputs.push_back(n.value("name", std::string()));
        std::vector<std::pair<int, std::string>> found;
        for (const std::string &o : outputs) {
            const auto it = layer_of_.find(o);
            if (it != layer_of_.end()) found.push_back({it->second, o});
            else if (!failed_.count(o)) problems_.push_back("output '" + o + "': no node computes it");
        }
        return finish_tfjs_import(g_, std::move(params_), found, problems_, "TF.js graph model");
    }

private:
    [[noreturn]] void unsupported(const std::string &what) {
        problems_.push_back("node '" + node_ + "' (" + op_ + "): " + what);
        throw Unsupported{};
    }

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
    std::vector<int64_t> attr_ints(const json &n, const std::string &name, std::vector<int64_t> dflt) {
        const json &a = attr(n, name);
        if (!a.is_object() || !a.contains("list") || !a["list"].is_object() || !a["list"].contains("i")) return dflt;
        std::vector<int64_t> v;
        for (const json &i : a["list"]["i"]) {
            const std::string s = i.is_string() ? i.get<std::string>() : i.dump();
            try {
                v.push_back(std::stoll(s));
            } catch (const std::exception &) {
                unsupported("attribute " + name + " holds " + i.dump());
            }
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

    std::vector<std::string> inputs(const json &n) {
        std::vector<std::string> v;
        for (const json &i : n.value("input", json::array()))
            if (i.is_string() && !i.get<std::string>().empty() && i.get<std::string>()[0] != '^') v.push_back(node_of(i.get<std::string>()));
        return v;
    }
    int activation(const std::vector<std::string> &ins, size_t k) {
        if (k >= ins.size()) unsupported("input " + std::to_string(k) + " is missing");
        const auto it = layer_of_.find(ins[k]);
        if (it != layer_of_.end()) return it->second;
        if (failed_.count(ins[k])) throw Unsupported{};
        unsupported("input '" + ins[k] + "' is not computed by the network (netc takes constants only as weights)");
    }
    const TfjsWeight *constant(const std::vector<std::string> &ins, size_t k) {
        if (k >= ins.size()) return nullptr;
        const auto it = constants_.find(ins[k]);
        return it == constants_.end() ? nullptr : it->second;
    }
    const TfjsWeight &constant_of_shape(const std::vector<std::string> &ins, size_t k, const std::vector<int64_t> &shape, const char *what) {
        const TfjsWeight *w = constant(ins, k);
        if (!w) unsupported(std::string(what) + " (input " + std::to_string(k) + ") must be a constant");
        if (w->shape != shape) unsupported(std::string(what) + " has shape " + dims(w->shape) + ", netc needs " + dims(shape));
        return *w;
    }
    static std::string dims(const std::vector<int64_t> &d) {
        std::string s = "[";
        for (size_t i = 0; i < d.size(); i++) s += (i ? ", " : "") + std::to_string(d[i]);
        return s + "]";
    }

    int add(Layer l, std::map<std::string, Tensor> params = {}, const std::string &suffix = "") {
        l.name = node_ + suffix;
        l.origin = origin_;
        g_.layers.push_back(l);
        params_.push_back(std::move(params));
        g_ = infer_shapes(g_);
        return int(g_.layers.size()) - 1;
    }
    Shape shape_of(int layer) const { return g_.layers[size_t(layer)].out; }

    // TF's padding: SAME (its asymmetric rule, netc's "same"), VALID, or EXPLICIT pads.
    Padding padding(const json &n) {
        const std::string p = attr_string(n, "padding", "VALID");
        Padding pad;
        if (p == "SAME") pad.mode = Padding::Same;
        else if (p == "VALID") pad.mode = Padding::Valid;
        else if (p == "EXPLICIT") {
            const std::vector<int64_t> e = attr_ints(n, "explicit_paddings", {});
            if (e.size() != 8 || e[0] || e[1] || e[6] || e[7]) unsupported("explicit_paddings " + dims(e));
            pad.mode = Padding::Explicit;
            pad.top = int(e[2]), pad.bottom = int(e[3]), pad.left = int(e[4]), pad.right = int(e[5]);
        } else unsupported("padding " + p);
        return pad;
    }
    void window(const json &n, Layer &l, const char *size_attr) {
        if (attr_string(n, "data_format", "NHWC") != "NHWC") unsupported("data_format other than NHWC");
        const std::vector<int64_t> s = attr_ints(n, "strides", {1, 1, 1, 1}), d = attr_ints(n, "dilations", {1, 1, 1, 1});
        if (s.size() != 4 || d.size() != 4 || s[0] != 1 || s[3] != 1 || d[0] != 1 || d[3] != 1) unsupported("strides/dilations " + dims(s) + " " + dims(d));
        for (int64_t v : {s[1], s[2], d[1], d[2]})
            if (v < 1 || v > 4096) unsupported("a stride or dilation of " + std::to_string(v));
        l.stride_h = int(s[1]), l.stride_w = int(s[2]), l.dilation_h = int(d[1]), l.dilation_w = int(d[2]);
        if (size_attr) {
            const std::vector<int64_t> k = attr_ints(n, size_attr, {});
            if (k.size() != 4 || k[0] != 1 || k[3] != 1 || k[1] < 1 || k[2] < 1 || k[1] > 4096 || k[2] > 4096) unsupported(std::string(size_attr) + " " + dims(k));
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
    void finish(Layer l, std::map<std::string, Tensor> params) {
        const OpKind act = pending_activation_;
        pending_activation_ = OpKind::Input;
        const int at = add(l, std::move(params), act == OpKind::Input ? "" : "_linear");
        if (act == OpKind::Input) {
            layer_of_[node_] = at;
            return;
        }
        Layer a;
        a.op = act;
        a.inputs = {at};
        layer_of_[node_] = add(a);
    }

    // x + c, x - c, c - x, x * c with a scalar or per-channel constant: an affine batchnorm.
    void constant_arithmetic(const std::vector<std::string> &ins) {
        const bool first_const = constant(ins, 0) != nullptr;
        const int x = activation(ins, first_const ? 1 : 0);
        const TfjsWeight &k = *constant(ins, first_const ? 0 : 1);
        const int64_t c = shape_of(x).c, n = int64_t(k.values.size());
        if (n != 1 && n != c) unsupported("a constant of shape " + dims(k.shape) + " (netc takes one number, or one per channel)");
        Layer bn;
        bn.op = OpKind::BatchNorm;
        bn.inputs = {x};
        bn.epsilon = 1e-5f;
        std::vector<float> gamma(size_t(c), 1.0f), beta(size_t(c), 0.0f);
        for (int64_t i = 0; i < c; i++) {
            const float v = k.values[size_t(n == 1 ? 0 : i)];
            if (op_ == "Mul") gamma[size_t(i)] = v;
            else if (op_ == "Sub") gamma[size_t(i)] = first_const ? -1.0f : 1.0f, beta[size_t(i)] = first_const ? v : -v;
            else beta[size_t(i)] = v;
        }
        auto t = [&](std::vector<float> v) { return Tensor{{c}, std::move(v)}; };
        layer_of_[node_] = add(bn, {{"gamma", t(gamma)}, {"beta", t(beta)}, {"mean", t(std::vector<float>(size_t(c), 0.0f))},
                                    {"var", t(std::vector<float>(size_t(c), float(1.0 - 1e-5)))}});
    }

    void translate(const json &n) {
        const std::vector<std::string> ins = inputs(n);
        if (op_ == "Const") {
            const auto it = file_.weights.find(node_);
            if (it == file_.weights.end()) unsupported("a constant netc finds no weight for in the manifest");
            constants_[node_] = &it->second;
            return;
        }
        if (op_ == "Placeholder") {
            if (!g_.layers.empty()) unsupported("a second input (netc models have one)");
            std::vector<int64_t> shape;
            const json &a = attr(n, "shape");
            if (a.is_object() && a.contains("shape") && a["shape"].contains("dim"))
                for (const json &d : a["shape"]["dim"]) shape.push_back(std::stoll(d.value("size", std::string("-1"))));
            if (shape.size() != 4 || !(shape[0] == -1 || shape[0] == 1) || shape[1] < 1 || shape[2] < 1 || shape[3] < 1 || shape[1] > 16384 ||
                shape[2] > 16384 || shape[3] > 16384)
                unsupported("input shape " + dims(shape) + " (netc takes images [-1, H, W, C])");
            g_.input.name = node_;
            g_.input.shape = Shape{int(shape[1]), int(shape[2]), int(shape[3])};
            g_.input.mean.assign(size_t(shape[3]), 0.0f);
            g_.input.scale.assign(size_t(shape[3]), 1.0f);
            g_.declared_input = {{1, shape[1], shape[2], shape[3]}, false};
            Layer in;
            in.name = node_;
            in.op = OpKind::Input;
            in.origin = origin_;
            g_.layers.push_back(in);
            params_.emplace_back();
            g_ = infer_shapes(g_);
            layer_of_[node_] = 0;
            return;
        }
        if (g_.layers.empty() && op_ != "NoOp") unsupported("comes before the input (Placeholder)");
        if (op_ == "Identity" || op_ == "StopGradient" || op_ == "NoOp") {
            if (op_ != "NoOp") layer_of_[node_] = activation(ins, 0);
            return;
        }
        Layer l;
        if (op_ == "_FusedConv2D" || op_ == "Conv2D") {
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
            finish(l, std::move(params));
            return;
        }
        if (op_ == "FusedDepthwiseConv2dNative" || op_ == "DepthwiseConv2dNative") {
            const int x = activation(ins, 0);
            const Shape in = shape_of(x);
            window(n, l, nullptr);
            const TfjsWeight *f = constant(ins, 1);
            if (!f || f->shape.size() != 4 || f->shape[2] != in.c) unsupported("the filter must be a constant [kh, kw, " + std::to_string(in.c) + ", multiplier]");
            const int64_t kh = f->shape[0], kw = f->shape[1], m = f->shape[3];
            l.op = OpKind::DepthwiseConv2D, l.inputs = {x}, l.kernel_h = int(kh), l.kernel_w = int(kw), l.multiplier = int(m);
            std::map<std::string, Tensor> params{{"weight", depthwise_weight_from_hwim(f->values, kh, kw, in.c, m)}};
            fused_tail(n, ins, l, params, in.c * m);
            finish(l, std::move(params));
            return;
        }
        if (op_ == "_FusedMatMul" || op_ == "MatMul") {
            const int x = activation(ins, 0);
            const Shape in = shape_of(x);
            if (in.h != 1 || in.w != 1) unsupported("MatMul of a " + to_string(in) + " map (netc's dense takes a vector)");
            if (attr(n, "transpose_a").value("b", false)) unsupported("transpose_a");
            const TfjsWeight *w = constant(ins, 1);
            const bool tb = attr(n, "transpose_b").value("b", false);
            if (!w || w->shape.size() != 2 || w->shape[tb ? 1 : 0] != in.c) unsupported("the weights must be a constant [" + std::to_string(in.c) + ", units]");
            const int64_t units = w->shape[tb ? 0 : 1];
            l.op = OpKind::Dense, l.inputs = {x}, l.filters = int(units);
            std::map<std::string, Tensor> params{{"weight", tb ? Tensor{{units, in.c}, w->values} : dense_weight_from_io(w->values, in.c, units)}};
            fused_tail(n, ins, l, params, units);
            finish(l, std::move(params));
            return;
        }
        if (op_ == "Relu" || op_ == "Relu6" || op_ == "Sigmoid" || op_ == "Softmax") {
            l.op = op_ == "Relu" ? OpKind::Relu : op_ == "Relu6" ? OpKind::Relu6 : op_ == "Sigmoid" ? OpKind::Sigmoid : OpKind::Softmax;
            l.inputs = {activation(ins, 0)};
            layer_of_[node_] = add(l);
            return;
        }
        if (op_ == "AddV2" || op_ == "Add" || op_ == "Mul" || op_ == "Sub" || op_ == "BiasAdd") {
            if (ins.size() != 2) unsupported("needs two inputs");
            if (constant(ins, 0) || constant(ins, 1)) {
                constant_arithmetic(ins);
                return;
            }
            if (op_ == "Sub" || op_ == "BiasAdd") unsupported("of two activations");
            l.op = op_ == "Mul" ? OpKind::Mul : OpKind::Add;
            l.inputs = {activation(ins, 0), activation(ins, 1)};
            layer_of_[node_] = add(l);
            return;
        }
        if (op_ == "AvgPool" || op_ == "MaxPool") {
            l.op = op_ == "AvgPool" ? OpKind::AvgPool : OpKind::MaxPool;
            l.inputs = {activation(ins, 0)};
            window(n, l, "ksize");
            layer_of_[node_] = add(l);
            return;
        }
        if (op_ == "Mean") {
            const TfjsWeight *axes = constant(ins, 1);
            std::set<float> a;
            if (axes)
                for (float v : axes->values) a.insert(v < 0 ? v + 4 : v);
            if (a != std::set<float>{1, 2}) unsupported("Mean over axes other than height and width");
            l.op = OpKind::GlobalAvgPool;
            l.inputs = {activation(ins, 0)};
            layer_of_[node_] = add(l);
            return;
        }
        if (op_ == "Squeeze" || op_ == "Reshape") {
            // [1, 1, 1, C] → [1, C] keeps netc's 1x1xC; a map flattened to a vector is a reshape.
            const int x = activation(ins, 0);
            const Shape s = shape_of(x);
            if (op_ == "Squeeze") {
                std::vector<int64_t> axes = attr_ints(n, "squeeze_dims", attr_ints(n, "axis", {}));
                for (int64_t &a : axes) a = a < 0 ? a + 4 : a;
                std::set<int64_t> set(axes.begin(), axes.end());
                if (set != std::set<int64_t>{1, 2} || s.h != 1 || s.w != 1) unsupported("Squeeze other than of a 1x1 map's height and width");
                layer_of_[node_] = x;
                return;
            }
            const TfjsWeight *shape = constant(ins, 1);
            if (!shape || shape->values.size() != 2 || !(shape->values[0] == -1 || shape->values[0] == 1) ||
                !(shape->values[1] == -1 || shape->values[1] == float(s.elements())))
                unsupported("Reshape other than a flattening to [1, N]");
            l.op = OpKind::Reshape, l.inputs = {x}, l.reshape_to = Shape{1, 1, -1};
            layer_of_[node_] = add(l);
            return;
        }
        unsupported("op not supported");
    }

    const TfjsModelFile &file_;
    Graph g_;
    std::vector<std::map<std::string, Tensor>> params_;
    std::map<std::string, int> layer_of_;
    std::map<std::string, const TfjsWeight *> constants_;
    std::set<std::string> failed_;
    std::vector<std::string> problems_;
    std::string node_, op_, origin_;
    OpKind pending_activation_ = OpKind::Input;  // a fused op's activation, added after it
};

}  // namespace

Graph import_tfjs_graph_model(const TfjsModelFile &file, const std::string &name) { return GraphImporter(file, name).run(); }

}  // namespace netc
