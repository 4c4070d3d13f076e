// Activations, Add and Mul, global pooling and Softmax: ops that keep (or reduce) the layout.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "onnx/importer.h"

namespace netc {

namespace {

// An activation layer on input 0, its output laid out as its input.
Value unary(Importer &im, OpKind op) {
    const Value &x = im.activation(0);
    if (x.layout == Value::FlatChw) im.unsupported("input is a Flatten of a spatial NCHW tensor");
    Layer l;
    l.op = op;
    l.inputs = {x.layer};
    Value v = x;
    v.layer = im.add_layer(l);
    v.hardsigmoid_of.clear();
    return v;
}

void clip(Importer &im) {
    double lo = -INFINITY, hi = INFINITY;
    if (im.opset < 11) {
        lo = im.attr_float("min", -FLT_MAX);
        hi = im.attr_float("max", FLT_MAX);
    } else {
        for (int k = 1; k <= 2; k++) {
            if (!im.has_input(k)) continue;
            const ConstTensor &t = im.constant(k);
            if (t.elements() != 1) im.unsupported("min/max must be scalars");
            (k == 1 ? lo : hi) = t.values[0];
        }
    }
    const bool unbounded_above = hi >= FLT_MAX;
    if (lo <= -FLT_MAX && unbounded_above) im.set_output(0, im.in(0));  // no bounds: the identity
    else if (lo == 0 && hi == 6) im.set_output(0, unary(im, OpKind::Relu6));
    else if (lo == 0 && unbounded_above) im.set_output(0, unary(im, OpKind::Relu));
    else im.unsupported("Clip(" + std::to_string(lo) + ", " + std::to_string(hi) + "); netc has Clip(0, 6) (ReLU6) and Clip(0, inf) (ReLU)");
}

void hardsigmoid(Importer &im) {
    const float alpha = im.attr_float("alpha", 0.2f), beta = im.attr_float("beta", 0.5f);
    // MobileNetV3's h-sigmoid is relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1). ONNX's default
    // (0.2, 0.5) is Keras' older hard sigmoid, another function.
    if (std::fabs(alpha - 1.0f / 6.0f) > 1e-6f || beta != 0.5f)
        im.unsupported("HardSigmoid(alpha " + std::to_string(alpha) + ", beta " + std::to_string(beta) + "); netc's is alpha 1/6, beta 1/2");
    Value v = unary(im, OpKind::HSigmoid);
    v.hardsigmoid_of = im.node->input(0);
    im.set_output(0, v);
}

bool same_layout(const Value &a, const Value &b) {
    return a.shape == b.shape && (a.layout == b.layout || (Importer::row_major_compatible(a) && Importer::row_major_compatible(b)));
}

// A [1, C, 1, 1] (or [1, C]) gate scaling a [1, C, H, W] tensor per channel.
bool is_channel_gate(const Value &gate, const Value &x) {
    if (x.layout != Value::Nchw || x.shape.size() != 4) return false;
    const int64_t c = x.shape[1];
    return (gate.shape == std::vector<int64_t>{1, c, 1, 1}) || (gate.shape == std::vector<int64_t>{1, c} && gate.layout == Value::RowMajor);
}

// A constant added to a conv's or dense layer's output that has no bias and no other reader
// becomes that bias: what exporters make of MatMul + Add, or of a bias they split off.
bool fold_bias(Importer &im, const Value &x, const ConstTensor &b, int x_input) {
    Layer &l = im.layer(x.layer);
    if ((l.op != OpKind::Conv2D && l.op != OpKind::Dense && l.op != OpKind::DepthwiseConv2D) || l.bias ||
        l.activation != Activation::None || im.readers(im.node->input(x_input)) != 1)
        return false;
    const int64_t c = im.shape_of(x.layer).c;
    if (b.elements() != c) return false;
    // The bias must vary along the channel axis only: [C], [1, C], [C, 1, 1] or [1, C, 1, 1].
    int64_t non_one = 0;
    for (int64_t d : b.dims) non_one += d != 1;
    if (non_one > 1) return false;
    Tensor t;
    t.shape = {c};
    t.data.assign(b.values.begin(), b.values.end());
    im.params_of(x.layer)["bias"] = t;
    l.bias = true;
    im.set_output(0, x);
    return true;
}

void add_or_mul(Importer &im, OpKind op) {
    const Value &a = im.in(0), &b = im.in(1);
    if (a.kind == Value::Constant || b.kind == Value::Constant) {
        const bool a_const = a.kind == Value::Constant;
        const Value &x = a_const ? b : a;
        if (op == OpKind::Add && x.kind == Value::Activation && fold_bias(im, x, (a_const ? a : b).constant, a_const ? 1 : 0)) return;
        im.unsupported(std::string(op == OpKind::Add ? "Add" : "Mul") + " with a constant operand (netc folds a per-channel constant added to a conv or Gemm output without bias only)");
    }
    const Value &x = im.activation(0), &y = im.activation(1);
    if (op == OpKind::Mul && (y.hardsigmoid_of == im.node->input(0) || x.hardsigmoid_of == im.node->input(1))) {
        // x * HardSigmoid(x): h-swish, as a hand-written MobileNetV3 spec has it.
        const bool first = y.hardsigmoid_of == im.node->input(0);
        const Value &base = first ? x : y;
        Layer l;
        l.op = OpKind::HSwish;
        l.inputs = {base.layer};
        Value v = base;
        v.layer = im.add_layer(l);
        v.hardsigmoid_of.clear();
        im.set_output(0, v);
        return;
    }
    Layer l;
    l.op = op;
    if (same_layout(x, y) && x.layout != Value::FlatChw) {
        l.inputs = {x.layer, y.layer};
    } else if (op == OpKind::Mul && is_channel_gate(y, x)) {
        l.inputs = {x.layer, y.layer};
    } else if (op == OpKind::Mul && is_channel_gate(x, y)) {
        l.inputs = {y.layer, x.layer};
    } else {
        im.unsupported("operands of shapes that netc does not combine (same shape, or a [1, C, 1, 1] gate times [1, C, H, W])");
    }
    Value v = l.inputs[0] == x.layer ? x : y;  // the output has the full-size operand's shape
    v.layer = im.add_layer(l);
    v.hardsigmoid_of.clear();
    im.set_output(0, v);
}

void global_average(Importer &im, bool keepdims) {
    const Value &x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be [1, C, H, W]");
    Layer l;
    l.op = OpKind::GlobalAvgPool;
    l.inputs = {x.layer};
    Value v = im.nchw_value(im.add_layer(l));
    if (!keepdims) {
        v.layout = Value::RowMajor;
        v.shape = {1, x.shape[1]};
    }
    im.set_output(0, v);
}

void reduce_mean(Importer &im) {
    std::vector<int64_t> axes = im.attr_ints("axes", {});
    if (im.has_input(1)) {
        axes = im.constant_ints(1);
    }
    for (int64_t &a : axes) a = a < 0 ? a + 4 : a;
    std::sort(axes.begin(), axes.end());
    if (axes != std::vector<int64_t>{2, 3}) im.unsupported("ReduceMean over axes other than the spatial ones (2, 3)");
    global_average(im, im.attr_int("keepdims", 1) != 0);
}

void softmax(Importer &im) {
    const Value &x = im.activation(0);
    const int64_t rank = int64_t(x.shape.size());
    int64_t axis = im.attr_int("axis", im.opset < 13 ? 1 : -1);
    if (axis < 0) axis += rank;
    Layer l;
    l.op = OpKind::Softmax;
    if (x.layout == Value::Nchw && rank == 4 && axis == 1 && (im.opset >= 13 || x.shape[2] * x.shape[3] == 1)) {
        // Over the channels at each pixel: netc's softmax exactly.
        l.inputs = {x.layer};
        im.set_output(0, im.nchw_value(im.add_layer(l)));
        return;
    }
    if (!Importer::row_major_compatible(x)) im.unsupported("softmax over an axis of an NCHW tensor other than the channels");
    // Rows of the trailing elements: one axis (opset 13), or all from `axis` on (before 13).
    if (im.opset >= 13 && axis != rank - 1) im.unsupported("softmax over an axis that is not the last");
    int64_t rows = 1, len = 1;
    for (int64_t d = 0; d < rank; d++) (d < axis ? rows : len) *= x.shape[size_t(d)];
    const Value flat = im.as_row_major(x, {1, rows, len}, "_rows");
    l.inputs = {flat.layer};
    Value v = flat;
    v.layer = im.add_layer(l);
    im.set_output(0, im.as_row_major(v, x.shape, "_shape"));
}

}  // namespace

void add_elementwise_ops(OpTranslators &t) {
    t["Relu"] = [](Importer &im) { im.set_output(0, unary(im, OpKind::Relu)); };
    t["Sigmoid"] = [](Importer &im) { im.set_output(0, unary(im, OpKind::Sigmoid)); };
    t["HardSwish"] = [](Importer &im) { im.set_output(0, unary(im, OpKind::HSwish)); };
    t["HardSigmoid"] = hardsigmoid;
    t["Clip"] = clip;
    t["Add"] = [](Importer &im) { add_or_mul(im, OpKind::Add); };
    t["Mul"] = [](Importer &im) { add_or_mul(im, OpKind::Mul); };
    t["GlobalAveragePool"] = [](Importer &im) { global_average(im, true); };
    t["ReduceMean"] = reduce_mean;
    t["Softmax"] = softmax;
}

}  // namespace netc
