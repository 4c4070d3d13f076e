// A TF.js layers model (the Keras topology TF.js's converter writes) → netc layers: what a
// hand-written spec would have. Keras' NHWC is netc's channels-last, so no layout is tracked;
// ZeroPadding2D becomes a pad that folds into the conv after it, BatchNormalization a batchnorm
// that folds into the conv before it.
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

class LayersImporter : TfjsImporter {
public:
    LayersImporter(const TfjsModelFile &file, const std::string &name) : TfjsImporter(file, name, ModelFormat::TfjsLayers, "layer") {}

    Graph run() {
        const json &top = file_.topology;
        const std::string cls = top.value("class_name", std::string());
        if (!top.contains("config")) fail(file_.path, "", "modelTopology.config", "missing");
        const json &config = top["config"];
        // Sequential: a list of layers (or {"layers": [...]}), each reading the one before.
        const bool sequential = cls == "Sequential";
        const json &layers = config.is_array() ? config : config.value("layers", json::array());
        if (!layers.is_array() || layers.empty()) fail(file_.path, "", "modelTopology.config.layers", "no layers");
        std::string previous;
        for (size_t i = 0; i < layers.size(); i++) {
            const json &l = layers[i];
            const json &c = l.is_object() && l.contains("config") && l["config"].is_object() ? l["config"] : json::object();
            const std::string name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>()
                                     : l.is_object() && l.contains("name") && l["name"].is_string() ? l["name"].get<std::string>()
                                                                                                   : "layer" + std::to_string(i);
            const std::string cls_i = l.is_object() && l.contains("class_name") && l["class_name"].is_string() ? l["class_name"].get<std::string>() : "";
            translate_one(name, cls_i, "modelTopology.config.layers[" + std::to_string(i) + "]", [&] {
                if (!l.is_object()) unsupported("expected a layer (a JSON object), got " + l.dump());
                if (sequential && i == 0 && kind_ != "InputLayer") add_sequential_input(c);
                std::vector<std::string> ins = sequential ? (previous.empty() ? std::vector<std::string>{} : std::vector<std::string>{previous}) : inbound(l);
                translate(c, ins);
            });
            previous = name;
        }
        std::vector<std::string> outputs;
        if (sequential) {
            outputs = {previous};
        } else if (config.is_object() && config.contains("output_layers") && config["output_layers"].is_array()) {
            for (const json &o : config["output_layers"])
                if (o.is_array() && !o.empty() && o[0].is_string()) outputs.push_back(o[0].get<std::string>());
        }
        return finish(outputs);
    }

private:
    std::vector<std::string> inbound(const json &l) {
        std::vector<std::string> ins;
        const json nodes = l.value("inbound_nodes", json::array());
        if (!nodes.is_array() || (!nodes.empty() && !nodes[0].is_array())) unsupported("inbound_nodes " + nodes.dump() + " is not a list of calls");
        if (nodes.size() > 1) unsupported("is called " + std::to_string(nodes.size()) + " times (shared layers)");
        if (nodes.empty()) return ins;
        for (const json &n : nodes[0]) {
            if (!n.is_array() || n.empty() || !n[0].is_string()) unsupported("an inbound node netc cannot read: " + n.dump());
            if (n.size() > 1 && n[1].is_number_integer() && n[1].get<int64_t>() != 0) unsupported("reads the second call of a shared layer");
            ins.push_back(n[0].get<std::string>());
        }
        return ins;
    }

    const TfjsWeight &weight(const std::string &role, const std::vector<int64_t> &shape) {
        // Named "<layer>/<role>"; some converters put a model scope in front.
        auto it = file_.weights.find(current_ + "/" + role);
        if (it == file_.weights.end()) {
            for (auto j = file_.weights.begin(); j != file_.weights.end(); ++j) {
                const std::string suffix = "/" + current_ + "/" + role;
                if (j->first.size() > suffix.size() && j->first.compare(j->first.size() - suffix.size(), suffix.size(), suffix) == 0) it = j;
            }
        }
        if (it == file_.weights.end()) unsupported("its weight '" + current_ + "/" + role + "' is not in the weights manifest");
        if (it->second.shape != shape) unsupported("weight '" + it->first + "' has shape " + shape_string(it->second.shape) + ", the layer needs " + shape_string(shape));
        return it->second;
    }

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
        set_value(activation(at, act));
    }

    void add_sequential_input(const json &c) {
        if (!c.contains("batch_input_shape")) unsupported("the first layer of a Sequential model gives no batch_input_shape");
        add_keras_input(c);
    }

    void add_keras_input(const json &c) {
        const json shape = c.value("batch_input_shape", c.value("batch_shape", json()));
        if (!shape.is_array() || shape.size() != 4 || !(shape[0].is_null() || shape[0] == 1))
            unsupported("input shape " + shape.dump() + " (netc takes images [null, H, W, C])");
        if (c.value("dtype", std::string("float32")) != "float32") unsupported("input dtype " + c.value("dtype", std::string()));
        add_input(Shape{int(int_of(shape[1], "height", 1, 1 << 14)), int(int_of(shape[2], "width", 1, 1 << 14)), int(int_of(shape[3], "channels", 1, 1 << 14))});
    }

    Tensor tensor(std::vector<int64_t> shape, std::vector<float> data) {
        Tensor t;
        t.shape = std::move(shape);
        t.data = std::move(data);
        return t;
    }

    void translate(const json &c, const std::vector<std::string> &ins) {
        if (kind_ == "InputLayer") {
            if (!g_.layers.empty()) unsupported("a second input (netc models have one)");
            add_keras_input(c);
            return;
        }
        // Before the inputs: a layer after one that failed still says what it is.
        static const std::set<std::string> known = {"Conv2D", "DepthwiseConv2D", "Dense", "BatchNormalization", "ReLU", "Activation",
                                                    "Softmax", "Add", "Multiply", "Concatenate", "ZeroPadding2D", "AveragePooling2D",
                                                    "MaxPooling2D", "GlobalAveragePooling2D", "Flatten", "Reshape", "Dropout",
                                                    "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization"};
        if (!known.count(kind_)) unsupported("layer class not supported");
        if (g_.layers.empty()) unsupported("comes before the input layer");
        if (kind_ == "Dropout" || kind_ == "SpatialDropout2D" || kind_ == "GaussianNoise" || kind_ == "GaussianDropout" ||
            kind_ == "ActivityRegularization") {
            set_value(value(ins));  // inference: the identity
            return;
        }
        const int x = value(ins);
        const Shape in = shape_of(x);
        Layer l;
        l.inputs = {x};
        if (kind_ == "Conv2D" || kind_ == "DepthwiseConv2D") {
            channels_last(c);
            pair(c, "kernel_size", &l.kernel_h, &l.kernel_w, 1);
            pair(c, "strides", &l.stride_h, &l.stride_w, 1);
            pair(c, "dilation_rate", &l.dilation_h, &l.dilation_w, 1);
            l.padding = padding(c);
            l.bias = c.value("use_bias", true);
            const int64_t kh = l.kernel_h, kw = l.kernel_w;
            std::map<std::string, Tensor> params;
            int64_t out = 0;
            if (kind_ == "Conv2D") {
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
        if (kind_ == "Dense") {
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
        if (kind_ == "BatchNormalization") {
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
            set_value(add(l, params));
            return;
        }
        if (kind_ == "ReLU") {
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
            set_value(add(l));
            return;
        }
        if (kind_ == "Activation") {
            set_value(activation(x, c.value("activation", std::string("linear"))));
            return;
        }
        if (kind_ == "Softmax") {
            if (!(c.value("axis", json(-1)) == -1)) unsupported("axis other than -1");
            l.op = OpKind::Softmax;
            set_value(add(l));
            return;
        }
        if (kind_ == "Add" || kind_ == "Multiply" || kind_ == "Concatenate") {
            if (ins.size() < 2) unsupported("needs two or more inputs");
            if (kind_ == "Concatenate") {
                if (!(c.value("axis", json(-1)) == -1 || c.value("axis", json(-1)) == 3)) unsupported("axis other than the channels");
                l.op = OpKind::Concat;
                l.inputs.clear();
                for (size_t k = 0; k < ins.size(); k++) l.inputs.push_back(value(ins, k));
                set_value(add(l));
                return;
            }
            if (kind_ == "Multiply" && ins.size() != 2) unsupported("of more than two inputs");
            l.op = kind_ == "Add" ? OpKind::Add : OpKind::Mul;
            // Keras adds any number of inputs: a chain of netc adds.
            int at = x;
            for (size_t k = 1; k < ins.size(); k++) {
                l.inputs = {at, value(ins, k)};
                at = add(l, {}, k + 1 < ins.size() ? "_" + std::to_string(k) : "");
            }
            set_value(at);
            return;
        }
        if (kind_ == "ZeroPadding2D") {
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
            set_value(add(l));
            return;
        }
        if (kind_ == "AveragePooling2D" || kind_ == "MaxPooling2D") {
            channels_last(c);
            l.op = kind_ == "AveragePooling2D" ? OpKind::AvgPool : OpKind::MaxPool;
            pair(c, "pool_size", &l.kernel_h, &l.kernel_w, 2);
            pair(c, "strides", &l.stride_h, &l.stride_w, 0);
            if (l.stride_h == 0) l.stride_h = l.kernel_h, l.stride_w = l.kernel_w;
            l.padding = padding(c);
            set_value(add(l));
            return;
        }
        if (kind_ == "GlobalAveragePooling2D") {
            channels_last(c);
            l.op = OpKind::GlobalAvgPool;
            set_value(add(l));
            return;
        }
        if (kind_ == "Flatten" || kind_ == "Reshape") {
            l.op = OpKind::Reshape;
            l.reshape_to = Shape{1, 1, -1};
            if (kind_ == "Reshape") {
                const json t = c.value("target_shape", json());
                if (!t.is_array() || t.empty() || t.size() > 3) unsupported("target_shape " + t.dump());
                int d[3] = {1, 1, 1};
                for (size_t k = 0; k < t.size(); k++) d[3 - t.size() + k] = int(int_of(t[k], "target_shape", -1, 1 << 24));
                l.reshape_to = Shape{d[0], d[1], d[2]};
            }
            set_value(add(l));
            return;
        }
    }
};

}  // namespace

Graph import_tfjs_layers_model(const TfjsModelFile &file, const std::string &name) { return LayersImporter(file, name).run(); }

}  // namespace netc
