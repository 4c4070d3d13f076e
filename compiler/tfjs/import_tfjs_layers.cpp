#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "io/read_file.h"
#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "spec/parse_json.h"
#include "tfjs/import_tfjs.h"
#include "tfjs/tf_weights.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

using json = nlohmann::json;

bool is_tfjs_model_path(const std::string &path) {
    // JSON starts with '{' (after blanks); an ONNX file, a protobuf, never does.
    const auto text = try_read_file(path);
    if (!text) return false;
    const size_t first = text->find_first_not_of(" \t\r\n");
    if (first == std::string::npos || (*text)[first] != '{') return false;
    const json j = json::parse(*text, nullptr, false);
    return !j.is_discarded() && is_tfjs_model_json(j);
}

namespace {

// Raised after a problem with a layer was recorded: the import carries on with the next one
// so that one error lists them all.
struct Unsupported {};

class LayersImporter {
public:
    LayersImporter(const TfjsModelFile &file, const TfjsImportOptions &options) : file_(file), options_(options) {}

    Graph run() {
        const json &top = file_.topology;
        const std::string cls = top.value("class_name", std::string());
        if (!top.contains("config")) fail(file_.path, "", "modelTopology.config", "missing");
        const json &config = top["config"];
        // Sequential: a list of layers (or {"layers": [...]}), each reading the one before.
        const bool sequential = cls == "Sequential";
        const json &layers = config.is_array() ? config : config.value("layers", json::array());
        if (!layers.is_array() || layers.empty()) fail(file_.path, "", "modelTopology.config.layers", "no layers");
        g_.name = options_.name.empty() ? tfjs_default_name(file_.path) : options_.name;
        g_.spec_file = file_.path;
        std::string previous;
        for (size_t i = 0; i < layers.size(); i++) {
            const json &l = layers[i];
            const std::string name = l.contains("config") && l["config"].contains("name") && l["config"]["name"].is_string()
                                         ? l["config"]["name"].get<std::string>()
                                         : l.value("name", std::string("layer") + std::to_string(i));
            layer_ = name, class_ = l.value("class_name", std::string());
            origin_ = "modelTopology.config.layers[" + std::to_string(i) + "]";
            try {
                if (sequential && i == 0 && class_ != "InputLayer") add_sequential_input(l);
                std::vector<std::string> ins = sequential ? (previous.empty() ? std::vector<std::string>{} : std::vector<std::string>{previous}) : inbound(l);
                translate(l.contains("config") ? l["config"] : json::object(), ins);
            } catch (const Unsupported &) {
                failed_.insert(name);
            }
            previous = name;
        }
        std::vector<std::string> outputs;
        if (sequential) {
            outputs = {previous};
        } else {
            for (const json &o : config.value("output_layers", json::array()))
                if (o.is_array() && !o.empty() && o[0].is_string()) outputs.push_back(o[0].get<std::string>());
        }
        std::vector<std::pair<int, std::string>> found;
        for (const std::string &o : outputs) {
            const auto it = values_.find(o);
            if (it != values_.end()) found.push_back({it->second, o});
            else if (!failed_.count(o)) problems_.push_back("output '" + o + "': no layer computes it");
        }
        return finish_tfjs_import(g_, std::move(params_), found, problems_, "TF.js layers model");
    }

private:
    [[noreturn]] void unsupported(const std::string &what) {
        problems_.push_back("layer '" + layer_ + "' (" + class_ + "): " + what);
        throw Unsupported{};
    }

    std::vector<std::string> inbound(const json &l) {
        std::vector<std::string> ins;
        const json nodes = l.value("inbound_nodes", json::array());
        if (nodes.size() > 1) unsupported("is called " + std::to_string(nodes.size()) + " times (shared layers)");
        if (nodes.empty()) return ins;
        for (const json &n : nodes[0]) {
            if (!n.is_array() || n.empty() || !n[0].is_string()) unsupported("an inbound node netc cannot read: " + n.dump());
            if (n.size() > 1 && n[1].is_number_integer() && n[1].get<int64_t>() != 0) unsupported("reads the second call of a shared layer");
            ins.push_back(n[0].get<std::string>());
        }
        return ins;
    }

    int input_of(const std::vector<std::string> &ins, size_t k = 0) {
        if (ins.size() <= k) unsupported("has no input");
        const auto it = values_.find(ins[k]);
        if (it == values_.end()) {
            if (failed_.count(ins[k])) throw Unsupported{};  // reported with that layer
            unsupported("reads '" + ins[k] + "', which no earlier layer computes");
        }
        return it->second;
    }

    const TfjsWeight &weight(const std::string &role, const std::vector<int64_t> &shape) {
        // Named "<layer>/<role>"; some converters put a model scope in front.
        auto it = file_.weights.find(layer_ + "/" + role);
        if (it == file_.weights.end()) {
            for (auto j = file_.weights.begin(); j != file_.weights.end(); ++j) {
                const std::string suffix = "/" + layer_ + "/" + role;
                if (j->first.size() > suffix.size() && j->first.compare(j->first.size() - suffix.size(), suffix.size(), suffix) == 0) it = j;
            }
        }
        if (it == file_.weights.end()) unsupported("its weight '" + layer_ + "/" + role + "' is not in the weights manifest");
        if (it->second.shape != shape) unsupported("weight '" + it->first + "' has shape " + dims(it->second.shape) + ", the layer needs " + dims(shape));
        return it->second;
    }

    static std::string dims(const std::vector<int64_t> &d) {
        std::string s = "[";
        for (size_t i = 0; i < d.size(); i++) s += (i ? ", " : "") + std::to_string(d[i]);
        return s + "]";
    }

    int add(Layer l, std::map<std::string, Tensor> params = {}, const std::string &suffix = "") {
        l.name = layer_ + suffix;
        l.origin = origin_;
        g_.layers.push_back(l);
        params_.push_back(std::move(params));
        const int index = int(g_.layers.size()) - 1;
        // Shapes as layers are added (the next layer's weights are checked against them); the
        // weights wait aside, so that this stays cheap.
        g_ = infer_shapes(g_);
        return index;
    }

    Shape shape_of(int layer) const { return g_.layers[size_t(layer)].out; }

    void set_output(int layer) { values_[layer_] = layer; }

    int64_t int_of(const json &v, const char *field, int64_t lo, int64_t hi) {
        if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
            unsupported(std::string(field) + " " + v.dump() + " is not an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
        return v.get<int64_t>();
    }

    // An int or a pair [h, w].
    void pair(const json &c, const char *field, int *h, int *w, int dflt) {
        if (!c.contains(field) || c[field].is_null()) {
            *h = *w = dflt;
            return;
        }
        const json &v = c[field];
        if (v.is_array() && v.size() == 2) *h = int(int_of(v[0], field, 1, 4096)), *w = int(int_of(v[1], field, 1, 4096));
        else *h = *w = int(int_of(v, field, 1, 4096));
    }

    Padding padding(const json &c) {
        Padding p;
        const std::string s = c.value("padding", std::string("valid"));
        if (s == "same") p.mode = Padding::Same;
        else if (s == "valid") p.mode = Padding::Valid;
        else unsupported("padding \"" + s + "\"");
        return p;
    }

    void channels_last(const json &c) {
        if (c.value("data_format", std::string("channels_last")) != "channels_last") unsupported("data_format other than channels_last");
    }

    // A Keras activation by name after layer `at`: nothing, a netc activation layer, or softmax.
    // The layer added takes the Keras layer's name (its op, before it, "<name>_linear").
    int activation(int at, const std::string &name) {
        Layer l;
        l.inputs = {at};
        if (name == "linear") return at;
        if (name == "relu") l.op = OpKind::Relu;
        else if (name == "relu6") l.op = OpKind::Relu6;
        else if (name == "sigmoid") l.op = OpKind::Sigmoid;
        else if (name == "softmax") l.op = OpKind::Softmax;
        else if (name == "hard_sigmoid") l.op = OpKind::HardSigmoid, l.act.alpha = 0.2f, l.act.beta = 0.5f;  // Keras' clip(0.2x + 0.5, 0, 1)
        else unsupported("activation \"" + name + "\" (netc has linear, relu, relu6, sigmoid, hard_sigmoid, softmax)");
        return add(l);
    }

    // A conv or dense layer and its "activation" field.
    void with_activation(const Layer &l, std::map<std::string, Tensor> params, const json &c) {
        const std::string act = c.value("activation", std::string("linear"));
        const int at = add(l, std::move(params), act == "linear" ? "" : "_linear");
        set_output(activation(at, act));
    }

    void add_sequential_input(const json &first) {
        const json c = first.value("config", json::object());
        if (!c.contains("batch_input_shape")) unsupported("the first layer of a Sequential model gives no batch_input_shape");
        add_input(c);
    }

    void add_input(const json &c) {
        const json shape = c.value("batch_input_shape", c.value("batch_shape", json()));
        if (!shape.is_array() || shape.size() != 4 || !(shape[0].is_null() || shape[0] == 1))
            unsupported("input shape " + shape.dump() + " (netc takes images [null, H, W, C])");
        if (c.value("dtype", std::string("float32")) != "float32") unsupported("input dtype " + c.value("dtype", std::string()));
        g_.input.name = layer_;
        g_.input.shape = Shape{int(int_of(shape[1], "height", 1, 1 << 14)), int(int_of(shape[2], "width", 1, 1 << 14)), int(int_of(shape[3], "channels", 1, 1 << 14))};
        g_.input.mean.assign(size_t(g_.input.shape.c), 0.0f);
        g_.input.scale.assign(size_t(g_.input.shape.c), 1.0f);
        // As the file declares it: NHWC, netc's own order.
        g_.declared_input = {{1, g_.input.shape.h, g_.input.shape.w, g_.input.shape.c}, false};
        Layer in;
        in.name = layer_;
        in.op = OpKind::Input;
        in.origin = origin_;
        g_.layers.push_back(in);
        params_.emplace_back();
        g_ = infer_shapes(g_);
        set_output(0);
    }

    Tensor tensor(std::vector<int64_t> shape, std::vector<float> data) {
        Tensor t;
        t.shape = std::move(shape);
        t.data = std::move(data);
        return t;
    }

    void translate(const json &c, const std::vector<std::string> &ins) {
        if (class_ == "InputLayer") {
            if (!g_.layers.empty()) unsupported("a second input (netc models have one)");
            add_input(c);
            return;
        }
        // Before the inputs: a layer after one that failed still says what it is.
        static const std::set<std::string> known = {"Conv2D", "DepthwiseConv2D", "Dense", "BatchNormalization", "ReLU", "Activation",
                                                    "Softmax", "Add", "Multiply", "Concatenate", "ZeroPadding2D", "AveragePooling2D",
                                                    "MaxPooling2D", "GlobalAveragePooling2D", "Flatten", "Reshape", "Dropout",
                                                    "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization"};
        if (!known.count(class_)) unsupported("layer class not supported");
        if (g_.layers.empty()) unsupported("comes before the input layer");
        if (class_ == "Dropout" || class_ == "SpatialDropout2D" || class_ == "GaussianNoise" || class_ == "GaussianDropout" ||
            class_ == "ActivityRegularization") {
            set_output(input_of(ins));  // inference: the identity
            return;
        }
        const int x = input_of(ins);
        const Shape in = shape_of(x);
        Layer l;
        l.inputs = {x};
        if (class_ == "Conv2D" || class_ == "DepthwiseConv2D") {
            channels_last(c);
            pair(c, "kernel_size", &l.kernel_h, &l.kernel_w, 1);
            pair(c, "strides", &l.stride_h, &l.stride_w, 1);
            pair(c, "dilation_rate", &l.dilation_h, &l.dilation_w, 1);
            l.padding = padding(c);
            l.bias = c.value("use_bias", true);
            const int64_t kh = l.kernel_h, kw = l.kernel_w;
            std::map<std::string, Tensor> params;
            int64_t out = 0;
            if (class_ == "Conv2D") {
                l.op = OpKind::Conv2D;
                l.groups = int(int_of(c.value("groups", json(1)), "groups", 1, in.c));
                if (in.c % l.groups) unsupported("groups " + std::to_string(l.groups) + " do not divide " + std::to_string(in.c) + " channels");
                out = l.filters = int(int_of(c.value("filters", json()), "filters", 1, 1 << 16));
                const int64_t cin = in.c / l.groups;
                params["weight"] = conv_weight_from_hwio(weight("kernel", {kh, kw, cin, out}).values, kh, kw, cin, out);
            } else {
                l.op = OpKind::DepthwiseConv2D;
                l.multiplier = int(int_of(c.value("depth_multiplier", json(1)), "depth_multiplier", 1, 1024));
                const int64_t m = l.multiplier;
                out = in.c * m;
                params["weight"] = depthwise_weight_from_hwim(weight("depthwise_kernel", {kh, kw, in.c, m}).values, kh, kw, in.c, m);
            }
            if (l.bias) params["bias"] = tensor({out}, weight("bias", {out}).values);
            with_activation(l, params, c);
            return;
        }
        if (class_ == "Dense") {
            const int64_t units = int_of(c.value("units", json()), "units", 1, 1 << 20), n = in.elements();
            l.op = OpKind::Dense;
            l.filters = int(units);
            l.bias = c.value("use_bias", true);
            if (in.h != 1 || in.w != 1) unsupported("Dense on a " + to_string(in) + " map (Keras applies it per pixel; netc's dense flattens: add a Flatten)");
            // The input flattened in HWC order, as Keras' is.
            std::map<std::string, Tensor> params{{"weight", dense_weight_from_io(weight("kernel", {n, units}).values, n, units)}};
            if (l.bias) params["bias"] = tensor({units}, weight("bias", {units}).values);
            with_activation(l, params, c);
            return;
        }
        if (class_ == "BatchNormalization") {
            const json axis = c.value("axis", json(-1));
            if (!(axis == -1 || axis == 3 || (axis.is_array() && axis.size() == 1 && (axis[0] == -1 || axis[0] == 3)))) unsupported("axis " + axis.dump() + " (netc normalises channels)");
            l.op = OpKind::BatchNorm;
            l.epsilon = float(c.value("epsilon", 1e-3));
            if (!(l.epsilon > 0)) unsupported("epsilon must be positive");
            const int64_t ch = in.c;
            std::map<std::string, Tensor> params;
            params["gamma"] = tensor({ch}, c.value("scale", true) ? weight("gamma", {ch}).values : std::vector<float>(size_t(ch), 1.0f));
            params["beta"] = tensor({ch}, c.value("center", true) ? weight("beta", {ch}).values : std::vector<float>(size_t(ch), 0.0f));
            params["mean"] = tensor({ch}, weight("moving_mean", {ch}).values);
            params["var"] = tensor({ch}, weight("moving_variance", {ch}).values);
            set_output(add(l, params));
            return;
        }
        if (class_ == "ReLU") {
            const double slope = c.value("negative_slope", 0.0), threshold = c.value("threshold", 0.0);
            if (threshold != 0) unsupported("threshold " + std::to_string(threshold));
            const json max = c.value("max_value", json());
            if (slope != 0) {
                if (!max.is_null()) unsupported("negative_slope with max_value");
                l.op = OpKind::LeakyRelu, l.act.alpha = float(slope);
            } else if (max.is_null()) {
                l.op = OpKind::Relu;
            } else if (!max.is_number() || !(max.get<double>() > 0)) {
                unsupported("max_value " + max.dump());
            } else if (max.get<double>() == 6) {
                l.op = OpKind::Relu6;
            } else {
                l.op = OpKind::Clip, l.act.alpha = 0, l.act.beta = float(max.get<double>());
            }
            set_output(add(l));
            return;
        }
        if (class_ == "Activation") {
            set_output(activation(x, c.value("activation", std::string("linear"))));
            return;
        }
        if (class_ == "Softmax") {
            if (!(c.value("axis", json(-1)) == -1)) unsupported("axis other than -1");
            l.op = OpKind::Softmax;
            set_output(add(l));
            return;
        }
        if (class_ == "Add" || class_ == "Multiply" || class_ == "Concatenate") {
            if (ins.size() < 2) unsupported("needs two or more inputs");
            if (class_ == "Concatenate") {
                if (!(c.value("axis", json(-1)) == -1 || c.value("axis", json(-1)) == 3)) unsupported("axis other than the channels");
                l.op = OpKind::Concat;
                l.inputs.clear();
                for (size_t k = 0; k < ins.size(); k++) l.inputs.push_back(input_of(ins, k));
                set_output(add(l));
                return;
            }
            if (class_ == "Multiply" && ins.size() != 2) unsupported("of more than two inputs");
            l.op = class_ == "Add" ? OpKind::Add : OpKind::Mul;
            // Keras adds any number of inputs: a chain of netc adds.
            int at = x;
            for (size_t k = 1; k < ins.size(); k++) {
                l.inputs = {at, input_of(ins, k)};
                at = add(l, {}, k + 1 < ins.size() ? "_" + std::to_string(k) : "");
            }
            set_output(at);
            return;
        }
        if (class_ == "ZeroPadding2D") {
            channels_last(c);
            const json p = c.value("padding", json(1));
            int t = 0, b = 0, le = 0, r = 0;
            if (p.is_number_integer()) t = b = le = r = int(int_of(p, "padding", 0, 4096));
            else if (p.is_array() && p.size() == 2 && p[0].is_number_integer()) t = b = int(int_of(p[0], "padding", 0, 4096)), le = r = int(int_of(p[1], "padding", 0, 4096));
            else if (p.is_array() && p.size() == 2 && p[0].is_array() && p[0].size() == 2 && p[1].is_array() && p[1].size() == 2)
                t = int(int_of(p[0][0], "padding", 0, 4096)), b = int(int_of(p[0][1], "padding", 0, 4096)), le = int(int_of(p[1][0], "padding", 0, 4096)),
                r = int(int_of(p[1][1], "padding", 0, 4096));
            else unsupported("padding " + p.dump());
            l.op = OpKind::Pad;
            l.padding.mode = Padding::Explicit;
            l.padding.top = t, l.padding.bottom = b, l.padding.left = le, l.padding.right = r;
            set_output(add(l));
            return;
        }
        if (class_ == "AveragePooling2D" || class_ == "MaxPooling2D") {
            channels_last(c);
            l.op = class_ == "AveragePooling2D" ? OpKind::AvgPool : OpKind::MaxPool;
            pair(c, "pool_size", &l.kernel_h, &l.kernel_w, 2);
            pair(c, "strides", &l.stride_h, &l.stride_w, 0);
            if (l.stride_h == 0) l.stride_h = l.kernel_h, l.stride_w = l.kernel_w;
            l.padding = padding(c);
            set_output(add(l));
            return;
        }
        if (class_ == "GlobalAveragePooling2D") {
            channels_last(c);
            l.op = OpKind::GlobalAvgPool;
            set_output(add(l));
            return;
        }
        if (class_ == "Flatten" || class_ == "Reshape") {
            l.op = OpKind::Reshape;
            l.reshape_to = Shape{1, 1, -1};
            if (class_ == "Reshape") {
                const json t = c.value("target_shape", json());
                if (!t.is_array() || t.empty() || t.size() > 3) unsupported("target_shape " + t.dump());
                int d[3] = {1, 1, 1};
                for (size_t k = 0; k < t.size(); k++) d[3 - t.size() + k] = int(int_of(t[k], "target_shape", -1, 1 << 24));
                l.reshape_to = Shape{d[0], d[1], d[2]};
            }
            set_output(add(l));
            return;
        }
    }

    const TfjsModelFile &file_;
    TfjsImportOptions options_;
    Graph g_;
    std::map<std::string, int> values_;  // Keras layer name → the netc layer holding its output
    std::vector<std::map<std::string, Tensor>> params_;  // per layer, attached at the end
    std::set<std::string> failed_;
    std::vector<std::string> problems_;
    std::string layer_, class_, origin_;
};

}  // namespace

Graph import_tfjs(const std::string &path, const TfjsImportOptions &options) {
    const TfjsModelFile file = read_tfjs_model(path);
    if (file.format == "graph-model") return import_tfjs_graph_model(file, options.name.empty() ? tfjs_default_name(path) : options.name);
    return LayersImporter(file, options).run();
}

}  // namespace netc
