#include "onnx/export_onnx.h"

#include <cmath>

#include <fstream>

#include <onnx/onnx_pb.h>

#include "io/layout.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

constexpr int kOpset = 13;

class Exporter {
public:
    explicit Exporter(const Graph &g) : g_(g) {}

    onnx::ModelProto run() {
        onnx::ModelProto m;
        m.set_ir_version(7);  // what opset 13 pairs with
        m.set_producer_name("netc");
        m.set_producer_version(NETC_VERSION_STRING);
        m.add_opset_import()->set_version(kOpset);
        graph_ = m.mutable_graph();
        graph_->set_name(g_.name);
        const Shape in = g_.input.shape;
        add_value_info(graph_->add_input(), g_.input.name, {1, in.c, in.h, in.w});
        values_.assign(g_.layers.size(), Value{});
        values_[0] = Value{g_.input.name, true};
        for (size_t i = 1; i < g_.layers.size(); i++) layer(int(i));
        for (int o : g_.outputs) {
            // Every layer's final value carries the layer's name, as netc's runtime reports it.
            const Value &v = values_[size_t(o)];
            const Shape s = g_.layers[size_t(o)].out;
            add_value_info(graph_->add_output(), v.name, v.spatial ? std::vector<int64_t>{1, s.c, s.h, s.w} : std::vector<int64_t>{1, s.c});
        }
        return m;
    }

    int nodes() const { return nodes_; }
    int initializers() const { return initializers_; }

private:
    // An exported tensor: its ONNX name and whether it is 4-D NCHW ([1, C, H, W]) or a
    // [1, C] vector (a dense layer's output).
    struct Value {
        std::string name;
        bool spatial = true;
    };

    void add_value_info(onnx::ValueInfoProto *v, const std::string &name, const std::vector<int64_t> &dims) {
        v->set_name(name);
        auto *t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto_DataType_FLOAT);
        for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
    }

    // A node is named after its output value: value names are unique, and ONNX wants unique
    // node names too.
    onnx::NodeProto *node(const std::string &op, const std::vector<std::string> &inputs, const std::string &output, const std::string &) {
        onnx::NodeProto *n = graph_->add_node();
        n->set_op_type(op);
        n->set_name(output);
        for (const auto &i : inputs) n->add_input(i);
        n->add_output(output);
        nodes_++;
        return n;
    }

    std::string initializer(const std::string &name, const std::vector<int64_t> &dims, const std::vector<float> &data) {
        onnx::TensorProto *t = graph_->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto_DataType_FLOAT);
        for (int64_t d : dims) t->add_dims(d);
        t->set_raw_data(std::string(reinterpret_cast<const char *>(data.data()), data.size() * sizeof(float)));
        initializers_++;
        return name;
    }

    std::string int_initializer(const std::string &name, const std::vector<int64_t> &data) {
        onnx::TensorProto *t = graph_->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto_DataType_INT64);
        t->add_dims(int64_t(data.size()));
        for (int64_t v : data) t->add_int64_data(v);
        initializers_++;
        return name;
    }

    static void ints(onnx::NodeProto *n, const std::string &name, const std::vector<int64_t> &v) {
        auto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INTS);
        for (int64_t x : v) a->add_ints(x);
    }
    static void int_attr(onnx::NodeProto *n, const std::string &name, int64_t v) {
        auto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INT);
        a->set_i(v);
    }
    static void string_attr(onnx::NodeProto *n, const std::string &name, const std::string &v) {
        auto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_STRING);
        a->set_s(v);
    }
    static void float_attr(onnx::NodeProto *n, const std::string &name, float v) {
        auto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
        a->set_f(v);
    }

    // The layer's input k as a 4-D NCHW value (a [1, C] vector is reshaped to [1, C, 1, 1]).
    std::string spatial_input(const Layer &l, size_t k) {
        const Value &v = values_[size_t(l.inputs[k])];
        if (v.spatial) return v.name;
        const Shape s = g_.layers[size_t(l.inputs[k])].out;
        const std::string out = l.name + "_in" + std::to_string(k) + "_4d";
        node("Reshape", {v.name, int_initializer(out + "_shape", {1, s.c, 1, 1})}, out, out);
        return out;
    }

    // relu6(x + 3) / 6 = HardSigmoid(alpha 1/6, beta 1/2); h-swish is x times that (HardSwish
    // itself is opset 14).
    std::string activation(Activation a, const ActivationParams &p, const std::string &x, const std::string &name) {
        switch (a) {
        case Activation::None: return x;
        case Activation::Relu: node("Relu", {x}, name, name); return name;
        case Activation::Relu6:
            node("Clip", {x, initializer(name + "_min", {}, {0.0f}), initializer(name + "_max", {}, {6.0f})}, name, name);
            return name;
        case Activation::Sigmoid: node("Sigmoid", {x}, name, name); return name;
        case Activation::HSigmoid: {
            onnx::NodeProto *n = node("HardSigmoid", {x}, name, name);
            float_attr(n, "alpha", 1.0f / 6.0f);
            float_attr(n, "beta", 0.5f);
            return name;
        }
        case Activation::HSwish: {
            onnx::NodeProto *n = node("HardSigmoid", {x}, name + "_gate", name + "_gate");
            float_attr(n, "alpha", 1.0f / 6.0f);
            float_attr(n, "beta", 0.5f);
            node("Mul", {x, name + "_gate"}, name, name);
            return name;
        }
        case Activation::Clip: {
            // An absent bound is an empty input name (ONNX's optional inputs).
            const std::string lo = std::isfinite(p.alpha) ? initializer(name + "_min", {}, {p.alpha}) : "";
            std::vector<std::string> in = {x, lo};
            if (std::isfinite(p.beta)) in.push_back(initializer(name + "_max", {}, {p.beta}));
            node("Clip", in, name, name);
            return name;
        }
        case Activation::LeakyRelu: float_attr(node("LeakyRelu", {x}, name, name), "alpha", p.alpha); return name;
        case Activation::HardSigmoid: {
            onnx::NodeProto *n = node("HardSigmoid", {x}, name, name);
            float_attr(n, "alpha", p.alpha);
            float_attr(n, "beta", p.beta);
            return name;
        }
        }
        return x;
    }

    void window(onnx::NodeProto *n, const Layer &l) {
        ints(n, "kernel_shape", {l.kernel_h, l.kernel_w});
        ints(n, "strides", {l.stride_h, l.stride_w});
        ints(n, "pads", {l.padding.top, l.padding.left, l.padding.bottom, l.padding.right});
    }

    void layer(int i) {
        const Layer &l = g_.layers[size_t(i)];
        const Shape in = g_.layers[size_t(l.inputs[0])].out;
        const std::string &name = l.name;
        const std::string pre = l.activation != Activation::None ? name + "_linear" : name;
        Value out{name, true};
        auto param = [&](const std::string &role) {
            const Tensor &t = l.params.at(role);
            return initializer(name + "." + role, t.shape, t.data);
        };
        switch (l.op) {
        case OpKind::Conv2D:
        case OpKind::DepthwiseConv2D:
        case OpKind::ConvTranspose2D: {
            std::vector<std::string> inputs = {spatial_input(l, 0), param("weight")};
            if (l.bias) inputs.push_back(param("bias"));
            const bool transposed = l.op == OpKind::ConvTranspose2D;
            onnx::NodeProto *n = node(transposed ? "ConvTranspose" : "Conv", inputs, pre, name);
            window(n, l);
            ints(n, "dilations", {l.dilation_h, l.dilation_w});
            int_attr(n, "group", l.op == OpKind::DepthwiseConv2D ? in.c : l.groups);
            if (transposed) ints(n, "output_padding", {l.output_pad_h, l.output_pad_w});
            out.name = activation(l.activation, l.act, pre, name);
            break;
        }
        case OpKind::BatchNorm: {
            const Value &x = values_[size_t(l.inputs[0])];
            onnx::NodeProto *n = node("BatchNormalization", {x.name, param("gamma"), param("beta"), param("mean"), param("var")}, name, name);
            float_attr(n, "epsilon", l.epsilon);
            out.spatial = x.spatial;
            break;
        }
        case OpKind::Affine: {
            // Mul and Add by constants of the value's NCHW shape ([1, C, H, W], or [1, C] for a vector).
            const Value &x = values_[size_t(l.inputs[0])];
            const bool spatial = x.spatial;
            auto nchw = [&](const std::string &role) {
                const std::vector<float> &v = l.params.at(role).data;
                return initializer(name + "." + role, spatial ? std::vector<int64_t>{1, in.c, in.h, in.w} : std::vector<int64_t>{1, in.c},
                                   spatial ? hwc_to_chw<float>(v, in.c, in.h, in.w) : v);
            };
            const std::string scaled = name + "_scaled";
            node("Mul", {x.name, nchw("scale")}, scaled, scaled);
            node("Add", {scaled, nchw("shift")}, name, name);
            out.spatial = spatial;
            break;
        }
        case OpKind::Relu:
        case OpKind::Relu6:
        case OpKind::HSwish:
        case OpKind::HSigmoid:
        case OpKind::Sigmoid:
        case OpKind::Clip:
        case OpKind::LeakyRelu:
        case OpKind::HardSigmoid: {
            out.spatial = values_[size_t(l.inputs[0])].spatial;
            out.name = activation(activation_of(l.op), l.act, values_[size_t(l.inputs[0])].name, name);
            break;
        }
        case OpKind::GlobalAvgPool: node("GlobalAveragePool", {spatial_input(l, 0)}, name, name); break;
        case OpKind::AvgPool:
        case OpKind::MaxPool: {
            onnx::NodeProto *n = node(l.op == OpKind::AvgPool ? "AveragePool" : "MaxPool", {spatial_input(l, 0)}, name, name);
            window(n, l);
            if (l.op == OpKind::AvgPool) int_attr(n, "count_include_pad", 0);  // netc averages the covered pixels only
            break;
        }
        case OpKind::Dense: {
            // netc flattens HWC; ONNX's Flatten of NCHW gives CHW: permute the weight's columns.
            const Value &x = values_[size_t(l.inputs[0])];
            std::string flat = x.name;
            if (x.spatial) {
                flat = name + "_flat";
                int_attr(node("Flatten", {x.name}, flat, flat), "axis", 1);
            }
            const Tensor &w = l.params.at("weight");
            const int64_t units = l.filters, n_in = in.elements(), pixels = int64_t(in.h) * in.w;
            std::vector<float> chw(w.data.size());
            for (int64_t u = 0; u < units; u++)
                for (int64_t p = 0; p < pixels; p++)
                    for (int64_t c = 0; c < in.c; c++) chw[size_t(u * n_in + c * pixels + p)] = w.data[size_t(u * n_in + p * in.c + c)];
            std::vector<std::string> inputs = {flat, initializer(name + ".weight", w.shape, chw)};
            if (l.bias) inputs.push_back(param("bias"));
            int_attr(node("Gemm", inputs, pre, name), "transB", 1);
            out.spatial = false;
            out.name = activation(l.activation, l.act, pre, name);
            break;
        }
        case OpKind::Softmax: {
            const Value &x = values_[size_t(l.inputs[0])];
            // NCHW: the channels (also of a [1, C] vector) are axis 1, height 2, width 3.
            const int axis = l.softmax_axis == SoftmaxAxis::Channels ? 1 : l.softmax_axis == SoftmaxAxis::Height ? 2 : 3;
            int_attr(node("Softmax", {x.name}, name, name), "axis", axis);
            out.spatial = x.spatial;
            break;
        }
        case OpKind::Add:
        case OpKind::Mul: {
            const Value &a = values_[size_t(l.inputs[0])], &b = values_[size_t(l.inputs[1])];
            const bool both_vectors = !a.spatial && !b.spatial;
            node(l.op == OpKind::Add ? "Add" : "Mul", {both_vectors ? a.name : spatial_input(l, 0), both_vectors ? b.name : spatial_input(l, 1)},
                 name, name);
            out.spatial = !both_vectors;
            break;
        }
        case OpKind::Concat: {
            std::vector<std::string> inputs;
            for (size_t k = 0; k < l.inputs.size(); k++) inputs.push_back(spatial_input(l, k));
            int_attr(node("Concat", inputs, name, name), "axis", 1);
            break;
        }
        case OpKind::Resize: {
            // Opset 13: X, roi (unused), scales, sizes. Given scales are kept (they enter the
            // coordinates); else the sizes.
            const ResizeAttrs &r = l.resize;
            const bool crop = r.coordinate == ResizeAttrs::TfCropAndResize;
            std::vector<std::string> inputs = {spatial_input(l, 0),
                                               crop ? initializer(name + "_roi", {8}, {0, 0, float(r.roi[0]), float(r.roi[1]), 1, 1, float(r.roi[2]), float(r.roi[3])})
                                                    : ""};
            if (r.scale_h > 0) {
                inputs.push_back(initializer(name + "_scales", {4}, {1.0f, 1.0f, float(r.scale_h), float(r.scale_w)}));
            } else {
                inputs.push_back("");
                inputs.push_back(int_initializer(name + "_sizes", {1, in.c, r.height, r.width}));
            }
            onnx::NodeProto *n = node("Resize", inputs, name, name);
            string_attr(n, "mode", resize_mode_name(r.mode));
            string_attr(n, "coordinate_transformation_mode", resize_coordinate_name(r.coordinate));
            string_attr(n, "nearest_mode", resize_rounding_name(r.nearest));
            if (r.mode == ResizeAttrs::Cubic) {
                float_attr(n, "cubic_coeff_a", float(r.cubic_a));
                int_attr(n, "exclude_outside", r.exclude_outside);
            }
            if (crop) float_attr(n, "extrapolation_value", float(r.extrapolation_value));
            break;
        }
        case OpKind::Pad: {
            const Padding &p = l.padding;
            onnx::NodeProto *n = node("Pad", {spatial_input(l, 0), int_initializer(name + "_pads", {0, 0, p.top, p.left, 0, 0, p.bottom, p.right}),
                                              initializer(name + "_value", {}, {l.pad_value})},
                                      name, name);
            string_attr(n, "mode", pad_mode_name(l.pad_mode));
            break;
        }
        case OpKind::Reshape: {
            // netc keeps the HWC order: NCHW → NHWC, reshape, back to NCHW.
            const std::string nhwc = name + "_nhwc", reshaped = name + "_reshaped";
            ints(node("Transpose", {spatial_input(l, 0)}, nhwc, nhwc), "perm", {0, 2, 3, 1});
            node("Reshape", {nhwc, int_initializer(name + "_shape", {1, l.out.h, l.out.w, l.out.c})}, reshaped, reshaped);
            ints(node("Transpose", {reshaped}, name, name), "perm", {0, 3, 1, 2});
            break;
        }
        default:
            fail(g_.spec_file, name, "op", std::string("netc export: ") + op_name(l.op) + " has no ONNX form here (expand composites first)");
        }
        values_[size_t(i)] = out;
    }

    const Graph &g_;
    onnx::GraphProto *graph_ = nullptr;
    std::vector<Value> values_;
    int nodes_ = 0, initializers_ = 0;
};

}  // namespace

OnnxExport export_onnx(const Graph &g, const std::string &path) {
    Exporter e(g);
    const onnx::ModelProto m = e.run();
    std::ofstream f(path, std::ios::binary);
    if (!f || !m.SerializeToOstream(&f)) fail(path, "", "", "cannot write the ONNX file");
    return OnnxExport{e.nodes(), e.initializers()};
}

}  // namespace netc
