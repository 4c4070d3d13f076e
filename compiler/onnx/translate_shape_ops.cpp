// Flatten, Reshape, Transpose, Squeeze/Unsqueeze, Concat, Pad, Identity, Shape: ops that move
// or relabel values. netc's tensors are channels-last, so each is either a relabelling of the
// same storage (most are), a netc reshape/concat, or unsupported when it would need a real
// NCHW transpose.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "onnx/importer.h"
#include "spec/weights.h"

namespace netc {

namespace {

// The number of values; -1 for a shape no tensor has (a negative dimension, or a count past
// int64: fuzzed Reshape targets overflowed here), which then matches no real tensor's.
int64_t product(const std::vector<int64_t> &d, size_t from = 0, size_t to = SIZE_MAX) {
    int64_t p = 1;
    for (size_t i = from; i < d.size() && i < to; i++)
        if (d[i] < 0 || __builtin_mul_overflow(p, d[i], &p)) return -1;
    return p;
}

// The value under a new ONNX shape with the same row-major order.
Value relabel(Importer &im, const Value &x, const std::vector<int64_t> &shape) {
    if (product(shape) < 1 || product(shape) != product(x.shape)) im.unsupported("the new shape holds another number of values");
    // A [1, C, H, W] result stays NCHW when that is also its row-major order (H*W = 1 or C = 1),
    // so that NCHW ops (a squeeze-excite gate, a conv) can read it.
    if (shape.size() == 4 && shape[0] == 1 && (shape[2] * shape[3] == 1 || shape[1] == 1)) {
        const Shape want{int(shape[2]), int(shape[3]), int(shape[1])};
        Value v = x;
        if (im.shape_of(x.layer) != want) {
            Layer r;
            r.op = OpKind::Reshape;
            r.inputs = {x.layer};
            r.reshape_to = want;
            v.layer = im.add_layer(r, {}, "_nchw");
        }
        v.layout = Value::Nchw;
        v.shape = shape;
        return v;
    }
    return im.as_row_major(x, shape, "");
}

// Reshape, Flatten, Squeeze and Unsqueeze all land here with their output shape.
void reshape_to(Importer &im, const Value &x, const std::vector<int64_t> &shape) {
    if (x.shape == shape) {
        im.set_output(0, x);
        return;
    }
    if (x.layout == Value::FlatChw) {
        im.unsupported("reshapes a Flatten of a spatial NCHW tensor; netc's tensors are channels-last (only a Gemm or MatMul may read it)");
    }
    if (Importer::row_major_compatible(x)) {
        im.set_output(0, relabel(im, x, shape));
        return;
    }
    // [1, C, H, W] with H*W > 1 and C > 1: flattening it to [1, C*H*W] is fine for a following
    // dense layer (it gets permuted weights); anything else would need the CHW order.
    if (shape.size() == 2 && shape[0] == 1 && shape[1] == product(x.shape)) {
        Value v = x;
        v.layout = Value::FlatChw;
        v.shape = shape;
        im.set_output(0, v);
        return;
    }
    im.unsupported("reshapes [1, C, H, W] data in an order that needs NCHW storage; netc's tensors are channels-last");
}

std::vector<int64_t> axes_of(Importer &im) {
    if (im.opset >= 13 && im.has_input(1)) {
        return im.constant_ints(1);
    }
    return im.attr_ints("axes", {});
}

void flatten(Importer &im) {
    const Value &x = im.activation(0);
    const int64_t rank = int64_t(x.shape.size());
    int64_t axis = im.attr_int("axis", 1);
    if (axis < -rank || axis > rank) im.unsupported("axis " + std::to_string(axis) + " is out of range for a rank-" + std::to_string(rank) + " input");
    if (axis < 0) axis += rank;
    if (im.batch() > 1 && axis != 1) im.refuse_batch_axis(0, "Flatten with axis " + std::to_string(axis));
    reshape_to(im, x, {product(x.shape, 0, size_t(axis)), product(x.shape, size_t(axis))});
}

void reshape(Importer &im) {
    const Value &x = im.activation(0);
    if (im.batch() > 1) {
        // The target as the file means it, for the whole batch: it must keep the batch first.
        std::vector<int64_t> whole = x.shape;
        whole[0] = im.batch();
        std::vector<int64_t> target = reshape_target(im, whole, im.constant(1));
        if (target.empty() || target[0] != im.batch()) im.refuse_batch_axis(0, "Reshape to " + shape_string(target));
        target[0] = 1;
        reshape_to(im, x, target);
        return;
    }
    reshape_to(im, x, reshape_target(im, x.shape, im.constant(1)));
}

void squeeze_or_unsqueeze(Importer &im, bool squeeze) {
    const Value &x = im.activation(0);
    std::vector<int64_t> axes = axes_of(im), shape = x.shape;
    const int64_t out_rank = int64_t(shape.size()) + (squeeze ? 0 : int64_t(axes.size()));
    const int64_t range = squeeze ? int64_t(shape.size()) : out_rank;
    for (int64_t &a : axes) {
        // Checked before use: an axis outside the range would index before or past the shape.
        if (a < -range || a >= range)
            im.unsupported("axis " + std::to_string(a) + " is out of range for a rank-" + std::to_string(range) + (squeeze ? " input" : " output"));
        a = a < 0 ? a + range : a;
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) im.unsupported("the same axis is listed twice");
    if (squeeze && axes.empty() && im.batch() > 1) im.refuse_batch_axis(0, "Squeeze of every size-1 axis");
    if (!axes.empty()) im.refuse_batch_axis(axes[0], squeeze ? "Squeeze" : "Unsqueeze");
    if (squeeze) {
        if (axes.empty())
            for (size_t i = 0; i < shape.size(); i++)
                if (shape[i] == 1) axes.push_back(int64_t(i));
        for (size_t k = axes.size(); k-- > 0;) {
            if (axes[k] >= int64_t(shape.size()) || shape[size_t(axes[k])] != 1) im.unsupported("squeezes a dimension that is not 1");
            shape.erase(shape.begin() + axes[k]);
        }
    } else {
        for (int64_t a : axes) {
            if (a > int64_t(shape.size())) im.unsupported("axis out of range");
            shape.insert(shape.begin() + a, 1);
        }
    }
    reshape_to(im, x, shape);
}

void transpose(Importer &im) {
    const Value &x = im.activation(0);
    const size_t rank = x.shape.size();
    const std::vector<int64_t> perm = im.attr_permutation(rank);
    std::vector<int64_t> shape;
    for (int64_t p : perm) shape.push_back(x.shape[size_t(p)]);
    if (!perm.empty() && perm[0] != 0) im.refuse_batch_axis(0, "Transpose");
    Value v = x;
    v.shape = shape;
    if (x.layout == Value::Nchw && rank == 4 && perm == std::vector<int64_t>{0, 2, 3, 1}) {
        v.layout = Value::RowMajor;  // NCHW → NHWC: exactly netc's storage order
        im.set_output(0, v);
        return;
    }
    if (rank == 4 && perm == std::vector<int64_t>{0, 3, 1, 2} && x.shape[0] == 1 &&
        Importer::row_major_compatible(x)) {
        // NHWC → NCHW: netc's storage order already, once its tensor has that H x W x C (a
        // reshape when the values sit in a tensor of another shape, as after a flattening
        // Concat; SSD's [1, 1, priors, classes] → [1, classes, 1, priors]).
        const Value hwc = im.as_row_major(x, x.shape, "_nhwc");
        v.layer = hwc.layer;
        v.layout = Value::Nchw;
        im.set_output(0, v);
        return;
    }
    // A permutation that keeps the order of the dimensions larger than 1 keeps the row-major order.
    std::vector<int64_t> big_before, big_after;
    for (size_t i = 0; i < rank; i++) {
        if (x.shape[i] > 1) big_before.push_back(int64_t(i));
        if (shape[i] > 1) big_after.push_back(perm[i]);
    }
    if (Importer::row_major_compatible(x) && big_before == big_after) {
        reshape_to(im, x, shape);
        return;
    }
    im.unsupported("a transpose netc cannot express as channels-last storage (NCHW ↔ NHWC, or moves of size-1 dimensions only)");
}

void concat(Importer &im) {
    std::vector<Value> ins;
    for (int k = 0; k < im.node->input_size(); k++) ins.push_back(im.activation(k));
    if (ins.empty()) im.unsupported("has no inputs");
    const int64_t rank = int64_t(ins[0].shape.size());
    int64_t axis = im.attr_int("axis", 1);
    if (axis < -rank || axis >= rank) im.unsupported("axis " + std::to_string(axis) + " is out of range for rank-" + std::to_string(rank) + " inputs");
    if (axis < 0) axis += rank;
    im.refuse_batch_axis(axis, "Concat");
    std::vector<int64_t> shape = ins[0].shape;
    shape[size_t(axis)] = 0;
    for (const Value &v : ins) {
        if (int64_t(v.shape.size()) != rank) im.unsupported("inputs of different ranks");
        shape[size_t(axis)] += v.shape[size_t(axis)];
    }
    Layer l;
    l.op = OpKind::Concat;
    bool nchw = axis == 1 && rank == 4;
    for (const Value &v : ins) nchw &= v.layout == Value::Nchw;
    if (nchw) {  // along the channels: netc's concat
        for (const Value &v : ins) l.inputs.push_back(v.layer);
        im.set_output(0, im.nchw_value(im.add_layer(l)));
        return;
    }
    // Otherwise in row-major order, which is a concat of flat vectors when every dimension
    // before the axis is 1 (SSD's [1, priors_i, 4] boxes).
    for (const Value &v : ins) {
        if (!Importer::row_major_compatible(v) || product(v.shape, 0, size_t(axis)) != 1)
            im.unsupported("concatenates along an axis that is not the channels of NCHW inputs, nor the first non-1 axis of row-major ones");
        l.inputs.push_back(im.as_row_major(v, {product(v.shape)}, "_flat_" + std::to_string(l.inputs.size())).layer);
    }
    Value flat;
    flat.layout = Value::RowMajor;
    flat.shape = {product(shape)};
    flat.layer = im.add_layer(l);
    im.set_output(0, im.as_row_major(flat, shape, "_shape"));
}

// Pad of H and W: a pad layer (constant, edge or reflect). A zero pad that only convolutions
// read becomes part of their padding (passes/fold_pad.cpp).
void pad(Importer &im) {
    const Value &x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be [1, C, H, W]");
    Layer l;
    l.op = OpKind::Pad;
    const std::string mode = im.attr_string("mode", "constant");
    if (!pad_mode_from_name(mode, &l.pad_mode)) im.unsupported("mode \"" + mode + "\" (netc pads constant, edge or reflect)");
    std::vector<int64_t> pads;
    double value = 0;
    if (im.opset < 11) {
        pads = im.attr_ints("pads", {});
        value = im.attr_float("value", 0.0f);
    } else {
        pads = im.constant_ints(1);
        if (im.has_input(2)) {
            const ConstTensor &v = im.constant(2);
            if (v.values.size() != 1) im.unsupported("the padding value is not one number");
            value = v.values[0];
        }
        if (im.has_input(3)) im.unsupported("the axes input");
    }
    if (!std::isfinite(value) || std::abs(value) > 3.4e38) im.unsupported("the padding value " + std::to_string(value) + " is not a finite float");
    if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5]) im.unsupported("pads on the batch or channel axis");
    for (int64_t p : pads)
        if (p < 0) im.unsupported("negative pads (cropping)");
        else if (p > (1 << 16)) im.unsupported("a pad of " + std::to_string(p) + " (netc pads at most 65536)");
    if (l.pad_mode == PadMode::Reflect && (std::max(pads[2], pads[6]) >= x.shape[2] || std::max(pads[3], pads[7]) >= x.shape[3]))
        im.unsupported("reflect pads must be smaller than the input on each side");
    l.inputs = {x.layer};
    l.padding.mode = Padding::Explicit;
    l.padding.top = int(pads[2]), l.padding.left = int(pads[3]), l.padding.bottom = int(pads[6]), l.padding.right = int(pads[7]);
    l.pad_value = float(value);
    im.set_output(0, im.nchw_value(im.add_layer(l)));
}

// The shape of an activation is known at import: a constant.
void shape(Importer &im) {
    const Value &x = im.in(0);
    const int64_t rank = int64_t(x.shape.size());
    int64_t start = im.attr_int("start", 0), end = im.attr_int("end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank), end = std::clamp<int64_t>(end, start, rank);
    Value v;
    v.kind = Value::Constant;
    v.constant.is_float = false;
    v.constant.dims = {end - start};
    for (int64_t i = start; i < end; i++) v.constant.values.push_back(double(i == 0 && x.kind == Value::Activation ? x.shape[0] * im.batch() : x.shape[size_t(i)]));
    v.shape = v.constant.dims;
    im.set_output(0, v);
}

}  // namespace

// Reshape's target: 0 copies the input's dimension (unless allowzero), one -1 is inferred.
std::vector<int64_t> reshape_target(Importer &im, const std::vector<int64_t> &input, const ConstTensor &target) {
    const bool allow_zero = im.attr_int("allowzero", 0) != 0;
    std::vector<int64_t> shape;
    int infer = -1;
    for (size_t i = 0; i < target.values.size(); i++) {
        const double v = target.values[i];
        if (!(v >= -1 && v <= double(int64_t(1) << 40)) || v != std::trunc(v)) im.unsupported("shape entry " + std::to_string(v) + " is no dimension");
        int64_t d = int64_t(v);
        if (d == 0 && !allow_zero) {
            if (i >= input.size()) im.unsupported("shape copies a dimension the input does not have");
            d = input[i];
        }
        if (d == -1) {
            if (infer >= 0) im.unsupported("shape has two -1 entries");
            infer = int(i);
            d = 1;
        }
        shape.push_back(d);
    }
    if (infer >= 0) {
        const int64_t known = product(shape);
        if (known < 1 || product(input) % known) im.unsupported("shape does not divide the input's values");
        shape[size_t(infer)] = product(input) / known;
    }
    // A reshape keeps every value: a target of another size is no reshape of this input (a
    // constant's would have indexed past its values: found by fuzzing).
    if (product(shape) < 0 || product(shape) != product(input))
        im.unsupported("shape " + shape_string(shape) + " holds another number of values than the input's " + std::to_string(product(input)));
    return shape;
}

void add_shape_ops(OpTranslators &t) {
    t["Flatten"] = flatten;
    t["Reshape"] = reshape;
    t["Squeeze"] = [](Importer &im) { squeeze_or_unsqueeze(im, true); };
    t["Unsqueeze"] = [](Importer &im) { squeeze_or_unsqueeze(im, false); };
    t["Transpose"] = transpose;
    t["Concat"] = concat;
    t["Pad"] = pad;
    t["Shape"] = shape;
    t["Identity"] = [](Importer &im) { im.set_output(0, im.in(0)); };
    t["Dropout"] = [](Importer &im) {
        if (im.node->output_size() > 1 && !im.node->output(1).empty()) im.unsupported("the mask output (training)");
        im.set_output(0, im.in(0));
    };
}

}  // namespace netc
