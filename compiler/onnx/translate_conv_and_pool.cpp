// Conv, the pools and BatchNormalization: the NCHW ops with kernels, strides and pads.
#include <cmath>

#include "onnx/importer.h"

namespace netc {

namespace {

Tensor to_tensor(const ConstTensor &c) {
    Tensor t;
    t.shape = c.dims;
    t.data.assign(c.values.begin(), c.values.end());
    return t;
}

// Kernels, strides, dilations and pads past this are refused: no CNN uses them, and the
// products netc forms from them must stay far inside int.
constexpr int64_t kMaxWindowValue = 1 << 16;

// A conv's weight (input 1) and optional bias (input 2, one value per output) as params.
std::map<std::string, Tensor> weight_and_bias(Importer &im, const ConstTensor &w, int64_t out, Layer *l) {
    std::map<std::string, Tensor> params{{"weight", to_tensor(w)}};
    l->bias = im.has_input(2);
    if (l->bias) {
        const ConstTensor &b = im.constant(2);
        if (b.elements() != out) im.unsupported("bias has " + std::to_string(b.elements()) + " values for " + std::to_string(out) + " outputs");
        params["bias"] = to_tensor(b);
        params["bias"].shape = {out};
    }
    return params;
}

// kernel_shape/strides/dilations/pads/auto_pad → the layer's fields. `in` is the NCHW input.
void read_window(Importer &im, Layer &l, const Value &in, int64_t kh, int64_t kw, bool dilations_allowed) {
    const auto ks = im.attr_ints("kernel_shape", {kh, kw});
    if (ks.size() != 2) im.unsupported("a " + std::to_string(ks.size()) + "-D window; netc has 2-D ops only");
    if (ks[0] != kh || ks[1] != kw) im.unsupported("kernel_shape disagrees with the weights");
    l.kernel_h = int(kh), l.kernel_w = int(kw);
    const auto strides = im.attr_ints("strides", {1, 1});
    const auto dil = im.attr_ints("dilations", {1, 1});
    if (strides.size() != 2 || dil.size() != 2) im.unsupported("strides/dilations must have 2 values");
    if (!dilations_allowed && (dil[0] != 1 || dil[1] != 1)) im.unsupported("dilations other than 1");
    // Before any division or narrowing to int: a stride of 0 divided by zero, a negative one
    // made negative shapes, and 2^40 became another number as an int.
    const auto check = [&](const char *what, int64_t v, int64_t lo) {
        if (v < lo || v > kMaxWindowValue)
            im.unsupported(std::string(what) + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) + ".." + std::to_string(kMaxWindowValue) + ")");
    };
    for (int64_t k : {kh, kw}) check("kernel size", k, 1);
    for (int64_t v : strides) check("stride", v, 1);
    for (int64_t v : dil) check("dilation", v, 1);
    l.stride_h = int(strides[0]), l.stride_w = int(strides[1]);
    l.dilation_h = int(dil[0]), l.dilation_w = int(dil[1]);
    const std::string auto_pad = im.attr_string("auto_pad", "NOTSET");
    auto pads = im.attr_ints("pads", {0, 0, 0, 0});
    if (pads.size() != 4) im.unsupported("pads must have 4 values");
    l.padding.mode = Padding::Explicit;
    if (auto_pad == "VALID") {
        pads = {0, 0, 0, 0};
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        // out = ceil(in / stride); the odd pad goes after (UPPER, TF's "same") or before (LOWER).
        const int64_t size[2] = {in.shape[2], in.shape[3]}, k[2] = {kh, kw}, s[2] = {strides[0], strides[1]}, d[2] = {dil[0], dil[1]};
        for (int a = 0; a < 2; a++) {
            const int64_t out = (size[a] + s[a] - 1) / s[a];
            const int64_t total = std::max<int64_t>((out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - size[a], 0);
            const int64_t small = total / 2, big = total - small;
            pads[size_t(a)] = auto_pad == "SAME_UPPER" ? small : big;
            pads[size_t(a) + 2] = auto_pad == "SAME_UPPER" ? big : small;
        }
    } else if (auto_pad != "NOTSET") {
        im.unsupported("auto_pad \"" + auto_pad + "\"");
    }
    for (int64_t v : pads) check("pad", v, 0);
    l.padding.top = int(pads[0]), l.padding.left = int(pads[1]), l.padding.bottom = int(pads[2]), l.padding.right = int(pads[3]);
}

void conv(Importer &im) {
    Value x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be a [1, C, H, W] activation");
    const ConstTensor &w = im.constant(1);
    if (w.dims.size() != 4) im.unsupported("weights of rank " + std::to_string(w.dims.size()) + "; netc has 2-D convolutions only");
    const int64_t out = w.dims[0], cin = x.shape[1], group = im.attr_int("group", 1);
    if (group < 1 || cin % group || out % group || w.dims[1] * group != cin)
        im.unsupported("group " + std::to_string(group) + " does not fit " + std::to_string(cin) + " input channels and weights of shape [" +
                       std::to_string(w.dims[0]) + ", " + std::to_string(w.dims[1]) + ", ...]");
    Layer l;
    l.inputs = {x.layer};
    read_window(im, l, x, w.dims[2], w.dims[3], true);
    const std::map<std::string, Tensor> params = weight_and_bias(im, w, out, &l);
    if (group > 1 && group == cin) {  // depthwise, with multiplier out / cin: the same weight layout
        l.op = OpKind::DepthwiseConv2D;
        l.multiplier = int(out / cin);
    } else {
        l.op = OpKind::Conv2D;
        l.filters = int(out);
        l.groups = int(group);
    }
    im.set_output(0, im.nchw_value(im.add_layer(l, params)));
}

// ConvTranspose: a conv_transpose2d layer. Its pads remove rows/columns from the full output;
// output_shape (or auto_pad SAME_*: input × stride) sets them instead, as ONNX's reference does,
// a negative end pad becoming extra rows at the bottom/right.
void conv_transpose(Importer &im) {
    const Value &x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be a [1, C, H, W] activation");
    const ConstTensor &w = im.constant(1);
    if (w.dims.size() != 4) im.unsupported("weights of rank " + std::to_string(w.dims.size()) + "; netc has 2-D convolutions only");
    const int64_t cin = x.shape[1], group = im.attr_int("group", 1);
    if (group < 1 || group > cin || cin % group || w.dims[0] != cin || w.dims[1] < 1 || w.dims[1] * group > kMaxWindowValue)
        im.unsupported("group " + std::to_string(group) + " does not fit " + std::to_string(cin) + " input channels and weights of shape [" +
                       std::to_string(w.dims[0]) + ", " + std::to_string(w.dims[1]) + ", ...]");
    const int64_t out = w.dims[1] * group;
    Layer l;
    l.op = OpKind::ConvTranspose2D;
    l.inputs = {x.layer};
    l.filters = int(out);
    l.groups = int(group);
    // The window attributes as Conv's, but without auto_pad (it means something else here).
    const auto ks = im.attr_ints("kernel_shape", {w.dims[2], w.dims[3]});
    if (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3]) im.unsupported("kernel_shape disagrees with the weights");
    const auto strides = im.attr_ints("strides", {1, 1}), dil = im.attr_ints("dilations", {1, 1});
    const auto extra = im.attr_ints("output_padding", {0, 0});
    auto pads = im.attr_ints("pads", {0, 0, 0, 0});
    if (strides.size() != 2 || dil.size() != 2 || extra.size() != 2 || pads.size() != 4) im.unsupported("strides, dilations, output_padding and pads must be for 2 axes");
    const auto check = [&](const char *what, int64_t v, int64_t lo, int64_t hi) {
        if (v < lo || v > hi) im.unsupported(std::string(what) + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    };
    for (int64_t k : ks) check("kernel size", k, 1, 1024);
    for (int64_t v : strides) check("stride", v, 1, 1024);
    for (int64_t v : dil) check("dilation", v, 1, 1024);
    for (int64_t v : extra) check("output_padding", v, 0, 1024);
    for (int64_t v : pads) check("pad", v, 0, kMaxWindowValue);
    const std::string auto_pad = im.attr_string("auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") im.unsupported("auto_pad \"" + auto_pad + "\"");
    std::vector<int64_t> out_shape = im.attr_ints("output_shape", {});
    if (out_shape.size() == 4) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
    if (!out_shape.empty() && out_shape.size() != 2) im.unsupported("output_shape must give H and W");
    if (out_shape.empty() && (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER")) out_shape = {x.shape[2] * strides[0], x.shape[3] * strides[1]};
    if (auto_pad == "VALID") pads = {0, 0, 0, 0};
    int64_t more[2] = {extra[0], extra[1]};
    if (!out_shape.empty()) {
        for (int a = 0; a < 2; a++) {
            check("output_shape", out_shape[size_t(a)], 1, kMaxWindowValue);
            const int64_t total = strides[size_t(a)] * (x.shape[size_t(a) + 2] - 1) + extra[size_t(a)] + (ks[size_t(a)] - 1) * dil[size_t(a)] + 1 - out_shape[size_t(a)];
            const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // floor division
            int64_t begin = auto_pad == "SAME_UPPER" ? half : total - half, end = total - begin;
            if (begin < 0) im.unsupported("output_shape larger than the full output at its start");
            if (end < 0) more[a] += -end, end = 0;
            pads[size_t(a)] = begin, pads[size_t(a) + 2] = end;
        }
    }
    l.kernel_h = int(ks[0]), l.kernel_w = int(ks[1]);
    l.stride_h = int(strides[0]), l.stride_w = int(strides[1]);
    l.dilation_h = int(dil[0]), l.dilation_w = int(dil[1]);
    l.output_pad_h = int(more[0]), l.output_pad_w = int(more[1]);
    l.padding.mode = Padding::Explicit;
    l.padding.top = int(pads[0]), l.padding.left = int(pads[1]), l.padding.bottom = int(pads[2]), l.padding.right = int(pads[3]);
    const std::map<std::string, Tensor> params = weight_and_bias(im, w, out, &l);
    im.set_output(0, im.nchw_value(im.add_layer(l, params)));
}

void pool(Importer &im, OpKind op) {
    const Value &x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be a [1, C, H, W] activation");
    if (op == OpKind::MaxPool && im.attr_int("storage_order", 0) != 0) im.unsupported("storage_order 1");
    if (op == OpKind::MaxPool && im.node->output_size() > 1 && !im.node->output(1).empty()) im.unsupported("the Indices output");
    const auto ks = im.attr_ints("kernel_shape", {});
    if (ks.size() != 2) im.unsupported("kernel_shape must have 2 values");
    Layer l;
    l.op = op;
    l.inputs = {x.layer};
    read_window(im, l, x, ks[0], ks[1], false);
    // ceil_mode: the output size rounds up, the last window overhanging the end. That is more
    // padding at the end, which netc's pools never let win (max) nor count (average); as in
    // PyTorch and ONNX Runtime, a window must still start inside the input or its front padding.
    bool overhang = false;
    if (im.attr_int("ceil_mode", 0) != 0) {
        const int64_t size[2] = {x.shape[2], x.shape[3]}, k[2] = {l.kernel_h, l.kernel_w}, s[2] = {l.stride_h, l.stride_w};
        int *before[2] = {&l.padding.top, &l.padding.left}, *after[2] = {&l.padding.bottom, &l.padding.right};
        for (int a = 0; a < 2; a++) {
            const int64_t span = size[a] + *before[a] + *after[a] - k[a];
            if (span < 0) break;  // no window fits: infer_shapes reports it
            int64_t out = (span + s[a] - 1) / s[a] + 1;
            if ((out - 1) * s[a] >= size[a] + *before[a]) out--;
            const int64_t extra = (out - 1) * s[a] + k[a] - (size[a] + *before[a] + *after[a]);
            if (extra > 0) *after[a] += int(extra), overhang = true;
        }
    }
    const bool any_pad = l.padding.top || l.padding.left || l.padding.bottom || l.padding.right;
    // netc's average leaves padding out (TensorFlow's rule), which is ONNX's count_include_pad 0.
    // Counting the padding is a depthwise convolution with every weight 1 / window.
    if (op == OpKind::AvgPool && any_pad && im.attr_int("count_include_pad", 0) != 0) {
        // The overhang is not counted even then (only the pads are): another divisor per window.
        if (overhang) im.unsupported("ceil_mode 1 with count_include_pad 1 where the last window overhangs the padding");
        const int64_t c = x.shape[1];
        l.op = OpKind::DepthwiseConv2D;
        l.multiplier = 1;
        l.bias = false;
        Tensor w;
        w.shape = {c, 1, l.kernel_h, l.kernel_w};
        w.data.assign(size_t(c) * size_t(l.kernel_h * l.kernel_w), 1.0f / float(l.kernel_h * l.kernel_w));
        im.set_output(0, im.nchw_value(im.add_layer(l, {{"weight", w}})));
        return;
    }
    im.set_output(0, im.nchw_value(im.add_layer(l)));
}

void batchnorm(Importer &im) {
    const Value &x = im.activation(0);
    const bool channels_last_vector = x.layout == Value::RowMajor && x.shape.size() == 2;
    if (!(x.layout == Value::Nchw && x.shape.size() == 4) && !channels_last_vector)
        im.unsupported("input must be [1, C, H, W] or [1, C]");
    for (int k = 1; k < im.node->output_size(); k++)
        if (!im.node->output(k).empty()) im.unsupported("training-mode outputs (running statistics)");
    if (im.attr_int("training_mode", 0) != 0) im.unsupported("training_mode 1");
    const int64_t c = x.shape[1];
    std::map<std::string, Tensor> params;
    const char *roles[4] = {"gamma", "beta", "mean", "var"};
    for (int k = 0; k < 4; k++) {
        const ConstTensor &t = im.constant(k + 1);
        if (t.elements() != c) im.unsupported(std::string(roles[k]) + " has " + std::to_string(t.elements()) + " values for " + std::to_string(c) + " channels");
        params[roles[k]] = to_tensor(t);
        params[roles[k]].shape = {c};
    }
    Layer l;
    l.op = OpKind::BatchNorm;
    l.inputs = {x.layer};
    l.epsilon = im.attr_float("epsilon", 1e-5f);
    const int layer = im.add_layer(l, params);
    Value v = x;
    v.layer = layer;
    im.set_output(0, v);
}

}  // namespace

void add_conv_and_pool_ops(OpTranslators &t) {
    t["Conv"] = conv;
    t["ConvTranspose"] = conv_transpose;
    t["MaxPool"] = [](Importer &im) { pool(im, OpKind::MaxPool); };
    t["AveragePool"] = [](Importer &im) { pool(im, OpKind::AvgPool); };
    t["BatchNormalization"] = batchnorm;
}

}  // namespace netc
