// Activations, Add and Mul, global pooling and Softmax: ops that keep (or reduce) the layout.
#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>

#include "io/layout.h"
#include "onnx/importer.h"
#include "spec/weights.h"

namespace netc {

namespace {

// An activation layer on input 0, its output laid out as its input.
Value unary(Importer &im, OpKind op, ActivationParams params = {}) {
    const Value &x = im.activation(0);
    if (x.layout == Value::FlatChw) im.unsupported("input is a Flatten of a spatial NCHW tensor");
    Layer l;
    l.op = op;
    l.act = params;
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
    // FLT_MAX is what exporters write for "no bound" before opset 11.
    const bool unbounded_below = lo <= -FLT_MAX, unbounded_above = hi >= FLT_MAX;
    if (std::isnan(lo) || std::isnan(hi)) im.unsupported("Clip with a NaN bound");
    if (unbounded_below && unbounded_above) im.set_output(0, im.in(0));  // no bounds: the identity
    else if (lo == 0 && hi == 6) im.set_output(0, unary(im, OpKind::Relu6));
    else if (lo == 0 && unbounded_above) im.set_output(0, unary(im, OpKind::Relu));
    else {
        // ONNX leaves min > max undefined in opset 11 and says every output is max from 13:
        // min(max(x, lo), hi) is that, and netc's clip computes exactly it.
        ActivationParams p;
        p.alpha = unbounded_below ? -INFINITY : float(lo);
        p.beta = unbounded_above ? INFINITY : float(hi);
        im.set_output(0, unary(im, OpKind::Clip, p));
    }
}

void leaky_relu(Importer &im) {
    ActivationParams p;
    p.alpha = im.attr_float("alpha", 0.01f);
    im.set_output(0, unary(im, OpKind::LeakyRelu, p));
}

void hardsigmoid(Importer &im) {
    const float alpha = im.attr_float("alpha", 0.2f), beta = im.attr_float("beta", 0.5f);
    // MobileNetV3's h-sigmoid is relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1): netc's hsigmoid,
    // which x * it turns into h-swish. Any other (ONNX's default 0.2, 0.5 is Keras' older hard
    // sigmoid) is the general hard_sigmoid.
    if (std::fabs(alpha - 1.0f / 6.0f) > 1e-6f || beta != 0.5f) {
        ActivationParams p;
        p.alpha = alpha, p.beta = beta;
        im.set_output(0, unary(im, OpKind::HardSigmoid, p));
        return;
    }
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

// The constant's values per netc channel of x, if it broadcasts as one number per channel
// (or one number) without growing x: [1, C, 1, 1] or [C, 1, 1] on NCHW, [C] or [1, C] on a
// row-major value whose last axis is netc's channels.
bool per_channel_values(Importer &im, const Value &x, const ConstTensor &k, std::vector<double> *out) {
    const int64_t c = im.shape_of(x.layer).c;
    if (k.elements() == 1) {
        out->assign(size_t(c), k.values[0]);
        return true;
    }
    if (k.dims.size() > x.shape.size() || k.elements() != c) return false;
    // Right-aligned as numpy broadcasts: the one axis that is not 1 must be x's channel axis.
    const size_t offset = x.shape.size() - k.dims.size();
    size_t axis = SIZE_MAX;
    for (size_t d = 0; d < k.dims.size(); d++)
        if (k.dims[d] != 1) axis = d + offset;
    const bool channels = (x.layout == Value::Nchw && x.shape.size() == 4 && axis == 1) ||
                          (x.layout == Value::RowMajor && axis == x.shape.size() - 1 && x.shape.back() == c);
    if (!channels) return false;
    out->assign(k.values.begin(), k.values.end());
    return true;
}

// The constant broadcast (numpy's rules, right-aligned) to x's shape, in netc's storage order
// of x (HWC for an NCHW value, the same order for a row-major one); false if it does not
// broadcast to x without growing it, or x is a Flatten of an NCHW map. x's shape is one item's
// (a batch axis is 1 in it), so a constant that differs per item does not broadcast.
bool full_values(Importer &im, const Value &x, const ConstTensor &k, std::vector<double> *out) {
    const bool nchw = x.layout == Value::Nchw && x.shape.size() == 4;
    if (!(nchw || Importer::row_major_compatible(x)) || k.dims.size() > x.shape.size()) return false;
    const size_t rank = x.shape.size(), offset = rank - k.dims.size();
    for (size_t d = 0; d < k.dims.size(); d++)
        if (k.dims[d] != 1 && k.dims[d] != x.shape[d + offset]) return false;
    std::vector<int64_t> stride(rank, 0);  // the constant's stride along each of x's axes (0: broadcast)
    int64_t s = 1;
    for (size_t d = k.dims.size(); d-- > 0;) {
        stride[d + offset] = k.dims[d] == 1 ? 0 : s;
        s *= k.dims[d];
    }
    int64_t n = 1;
    for (int64_t d : x.shape) n *= d;
    std::vector<double> onnx_order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; i++) {
        int64_t rest = i, src = 0;
        for (size_t d = rank; d-- > 0;) {
            src += (rest % x.shape[d]) * stride[d];
            rest /= x.shape[d];
        }
        onnx_order[size_t(i)] = k.values[size_t(src)];
    }
    const Shape hwc = im.shape_of(x.layer);
    *out = nchw ? chw_to_hwc<double>(onnx_order, hwc.c, hwc.h, hwc.w) : onnx_order;
    return true;
}

// An affine layer x * scale + shift with scale and shift of x's full shape (netc order).
int full_affine_layer(Importer &im, int input, const std::vector<float> &scale, const std::vector<float> &shift, const std::string &suffix) {
    const Shape s = im.shape_of(input);
    Layer l;
    l.op = OpKind::Affine;
    l.inputs = {input};
    auto tensor = [&](const std::vector<float> &d) {
        Tensor t;
        t.shape = {s.h, s.w, s.c};
        t.data = d;
        return t;
    };
    return im.add_layer(l, {{"scale", tensor(scale)}, {"shift", tensor(shift)}}, suffix);
}

// A BatchNorm computing gamma * x + beta per channel (mean 0, var 1 - eps) on layer `input`;
// an affine layer when gamma and beta hold one value per element instead.
int affine_layer(Importer &im, int input, const std::vector<float> &gamma, const std::vector<float> &beta, const std::string &suffix) {
    const size_t c = gamma.size();
    if (int64_t(c) != im.shape_of(input).c) return full_affine_layer(im, input, gamma, beta, suffix);
    Layer l;
    l.op = OpKind::BatchNorm;
    l.inputs = {input};
    l.epsilon = 1e-5f;
    auto tensor = [&](std::vector<float> d) {
        Tensor t;
        t.shape = {int64_t(c)};
        t.data = std::move(d);
        return t;
    };
    return im.add_layer(l, {{"gamma", tensor(gamma)}, {"beta", tensor(beta)}, {"mean", tensor(std::vector<float>(c, 0.0f))},
                            {"var", tensor(std::vector<float>(c, float(1.0 - 1e-5)))}}, suffix);
}

// x + k, x - k, k - x, x * k, x / k with a constant k of one number per channel: an affine
// BatchNorm (gamma = scale, beta = shift, mean 0, var 1 - eps), which folds into the conv
// before it like any other BatchNorm (what exporters make of normalisation written as
// arithmetic: (x - mean) / std, x * 0.5 + 0.5).
void constant_arithmetic(Importer &im, const std::string &op, int x_input) {
    const Value &x = im.activation(x_input);
    const ConstTensor &k = im.constant(1 - x_input);
    std::vector<double> v;
    if (!per_channel_values(im, x, k, &v) && !full_values(im, x, k, &v))
        im.unsupported(op + " with a constant of shape " + shape_string(k.dims) + " that does not broadcast to the activation's " +
                       shape_string(x.shape) + " (one item of it)");
    const size_t c = v.size();
    std::vector<float> gamma(c, 1.0f), beta(c, 0.0f);
    for (size_t i = 0; i < c; i++) {
        if (op == "Add") beta[i] = float(v[i]);
        else if (op == "Sub") gamma[i] = x_input == 0 ? 1.0f : -1.0f, beta[i] = float(x_input == 0 ? -v[i] : v[i]);
        else if (op == "Mul") gamma[i] = float(v[i]);
        else if (x_input == 1) im.unsupported("Div of a constant by an activation (a reciprocal: netc has no such op)");
        else if (v[i] == 0) im.unsupported("Div by a constant holding 0");
        else gamma[i] = float(1.0 / v[i]);
    }
    Value out = x;
    out.layer = affine_layer(im, x.layer, gamma, beta, "");
    out.hardsigmoid_of.clear();
    im.set_output(0, out);
}

// PRelu: with one slope (PyTorch's nn.PReLU() default, or every channel's equal) a leaky
// ReLU; with one per channel (nn.PReLU(C)) max(x, 0) + slope * min(x, 0), written with the ops
// netc has: relu(x) + (-slope) * relu(-x), the scalings as affine BatchNorms.
void prelu(Importer &im) {
    const Value &x = im.activation(0);
    const ConstTensor &slope = im.constant(1);
    if (slope.elements() < 1) im.unsupported("slope has no values");
    bool one = true;
    for (double v : slope.values) one = one && v == slope.values[0];
    if (one) {
        ActivationParams p;
        p.alpha = float(slope.values[0]);
        im.set_output(0, unary(im, OpKind::LeakyRelu, p));
        return;
    }
    std::vector<double> per;
    if (!per_channel_values(im, x, slope, &per) && !full_values(im, x, slope, &per))
        im.unsupported("slope of shape " + shape_string(slope.dims) + " that does not broadcast to the activation's " + shape_string(x.shape));
    const size_t c = per.size();
    std::vector<float> minus_one(c, -1.0f), zero(c, 0.0f), minus_slope(c);
    for (size_t i = 0; i < c; i++) minus_slope[i] = float(-per[i]);
    Layer relu;
    relu.op = OpKind::Relu;
    relu.inputs = {affine_layer(im, x.layer, minus_one, zero, "_negated")};
    const int negative_part = affine_layer(im, im.add_layer(relu, {}, "_negated_relu"), minus_slope, zero, "_negative_part");
    relu.inputs = {x.layer};
    Layer add;
    add.op = OpKind::Add;
    add.inputs = {im.add_layer(relu, {}, "_positive_part"), negative_part};
    Value out = x;
    out.layer = im.add_layer(add);
    out.hardsigmoid_of.clear();
    im.set_output(0, out);
}

void sub_or_div(Importer &im, const std::string &op) {
    if (im.in(0).kind != Value::Constant && im.in(1).kind != Value::Constant)
        im.unsupported(op + " of two activations (netc takes " + op + " with a constant)");
    constant_arithmetic(im, op, im.in(0).kind == Value::Constant ? 1 : 0);
}

void add_or_mul(Importer &im, OpKind op) {
    const Value &a = im.in(0), &b = im.in(1);
    if (a.kind == Value::Constant || b.kind == Value::Constant) {
        const bool a_const = a.kind == Value::Constant;
        const Value &x = a_const ? b : a;
        if (op == OpKind::Add && x.kind == Value::Activation && fold_bias(im, x, (a_const ? a : b).constant, a_const ? 1 : 0)) return;
        constant_arithmetic(im, op == OpKind::Add ? "Add" : "Mul", a_const ? 1 : 0);
        return;
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
    if (axis < 0 || axis >= rank) im.unsupported("axis " + std::to_string(im.attr_int("axis", 0)) + " of a rank-" + std::to_string(rank) + " tensor");
    im.refuse_batch_axis(axis, "Softmax");
    // One axis of an NCHW value: channels, height or width (before opset 13 the axis and all
    // after it, which is one axis when the ones after it are 1 long).
    const bool one_axis = im.opset >= 13 || axis == rank - 1 || (axis == 1 && x.shape[2] * x.shape[3] == 1);
    if (x.layout == Value::Nchw && rank == 4 && axis >= 1 && one_axis) {
        l.softmax_axis = axis == 1 ? SoftmaxAxis::Channels : axis == 2 ? SoftmaxAxis::Height : SoftmaxAxis::Width;
        l.inputs = {x.layer};
        im.set_output(0, im.nchw_value(im.add_layer(l)));
        return;
    }
    if (!Importer::row_major_compatible(x)) im.unsupported("softmax over the axes from " + std::to_string(axis) + " on of an NCHW tensor");
    // As [1, before, n, after] (netc's H x W x C): over the width, or over the channels when
    // nothing follows. Before opset 13 the axis is all from `axis` on (after = 1).
    int64_t before = 1, n = 1, after = 1;
    for (int64_t d = 0; d < rank; d++) (d < axis ? before : d == axis || im.opset < 13 ? n : after) *= x.shape[size_t(d)];
    l.softmax_axis = after == 1 ? SoftmaxAxis::Channels : SoftmaxAxis::Width;
    const Value flat = im.as_row_major(x, after == 1 ? std::vector<int64_t>{1, before, n} : std::vector<int64_t>{1, before, n, after}, "_rows");
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
    t["LeakyRelu"] = leaky_relu;
    t["PRelu"] = prelu;
    t["Add"] = [](Importer &im) { add_or_mul(im, OpKind::Add); };
    t["Mul"] = [](Importer &im) { add_or_mul(im, OpKind::Mul); };
    t["Sub"] = [](Importer &im) { sub_or_div(im, "Sub"); };
    t["Div"] = [](Importer &im) { sub_or_div(im, "Div"); };
    t["GlobalAveragePool"] = [](Importer &im) { global_average(im, true); };
    t["ReduceMean"] = reduce_mean;
    t["Softmax"] = softmax;
}

}  // namespace netc
