#include "passes/passes.h"

#include <algorithm>
#include <cstdint>

#include "spec/diagnostic.h"

namespace netc {

namespace {

struct ShapeChecker {
    const Graph &g;
    const Layer &l;
    [[noreturn]] void error(const std::string &field, const std::string &msg) const {
        fail(g.spec_file, l.name, l.origin + "." + field, msg);
    }
};

// No window (kernel extent, padded input) spans more than this: 4x the largest side a spec
// may give (2^24), so every size below stays far inside int.
constexpr int64_t kMaxWindowExtent = int64_t(1) << 26;

// No tensor holds more values than this (8 GiB of float32).
constexpr int64_t kMaxTensorElements = int64_t(1) << 31;

// Output size along one axis, and the pads before/after it. TensorFlow's "same": output
// ceil(in / stride), total pad max((out-1)*stride + k_eff - in, 0), the odd one after.
int resolve_axis(const ShapeChecker &ck, Padding::Mode mode, int in, int k, int stride, int dilation, int *before,
                 int *after, const char *axis) {
    // In 64 bits, then bounded: a 65536-wide kernel dilated by 65536 overflowed int (UBSan).
    const int64_t k_eff64 = int64_t(k - 1) * dilation + 1;
    if (k < 1 || dilation < 1 || k_eff64 > kMaxWindowExtent)
        ck.error("kernel", std::string("the ") + (dilation > 1 ? "dilated " : "") + "kernel spans " + std::to_string(k_eff64) + " along " +
                               axis + ", outside 1.." + std::to_string(kMaxWindowExtent));
    const int k_eff = int(k_eff64);
    if (mode == Padding::Same) {
        int out = (in + stride - 1) / stride;
        int total = std::max((out - 1) * stride + k_eff - in, 0);
        *before = total / 2;
        *after = total - *before;
        return out;
    }
    if (mode == Padding::Valid) *before = *after = 0;
    const int64_t padded64 = int64_t(in) + *before + *after;
    if (*before < 0 || *after < 0 || padded64 > kMaxWindowExtent)
        ck.error("padding", std::string("pads ") + std::to_string(*before) + " and " + std::to_string(*after) + " along " + axis +
                                " are outside 0.." + std::to_string(kMaxWindowExtent) + " in all");
    const int padded = int(padded64);
    if (k_eff > padded)
        ck.error("kernel", std::string("the ") + (dilation > 1 ? "dilated " : "") + "kernel (" + std::to_string(k_eff) +
                               ") is larger than the padded input " + axis + " (" + std::to_string(padded) + ")");
    if (*before >= k_eff || *after >= k_eff)
        ck.error("padding", std::string("a pad of ") + std::to_string(std::max(*before, *after)) + " along " + axis +
                                " is not smaller than the kernel (" + std::to_string(k_eff) +
                                "): some outputs would see only padding");
    return (padded - k_eff) / stride + 1;
}

Shape windowed(const ShapeChecker &ck, Layer &l, const Shape &in, int channels) {
    Shape out;
    out.h = resolve_axis(ck, l.padding.mode, in.h, l.kernel_h, l.stride_h, l.dilation_h, &l.padding.top, &l.padding.bottom,
                         "height");
    out.w = resolve_axis(ck, l.padding.mode, in.w, l.kernel_w, l.stride_w, l.dilation_w, &l.padding.left, &l.padding.right,
                         "width");
    out.c = channels;
    return out;
}

}  // namespace

void infer_layer_shape(Graph &out, size_t i) {
    Layer &l = out.layers[i];
    ShapeChecker ck{out, l};
    if (l.op == OpKind::Input) {
        l.out = out.input.shape;
        // Before anything multiplies it out: three sides of 2^24 overflow int64 (UBSan).
        const Shape &s = l.out;
        if (s.h < 1 || s.w < 1 || s.c < 1 || int64_t(s.h) * s.w > kMaxTensorElements / s.c)
            ck.error("shape", "input " + to_string(s) + " holds more than the " + std::to_string(kMaxTensorElements) + " values netc takes in a tensor");
        return;
    }
    const Shape in = out.layers[size_t(l.inputs[0])].out;
    auto input_shape = [&](size_t k) { return out.layers[size_t(l.inputs[k])].out; };
    switch (l.op) {
    case OpKind::Conv2D:
        if (in.c % l.groups != 0 || l.filters % l.groups != 0)
            ck.error("groups", "groups (" + std::to_string(l.groups) + ") must divide both the input channels (" +
                                   std::to_string(in.c) + ") and filters (" + std::to_string(l.filters) + ")");
        l.out = windowed(ck, l, in, l.filters);
        break;
    case OpKind::DepthwiseConv2D:
        l.out = windowed(ck, l, in, in.c * l.multiplier);
        break;
    case OpKind::AvgPool:
    case OpKind::MaxPool:
        l.out = windowed(ck, l, in, in.c);
        break;
    case OpKind::BatchNorm:
    case OpKind::Affine:
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::HSwish:
    case OpKind::HSigmoid:
    case OpKind::Sigmoid:
    case OpKind::Clip:
    case OpKind::LeakyRelu:
    case OpKind::HardSigmoid:
    case OpKind::Softmax:
        l.out = in;
        break;
    case OpKind::GlobalAvgPool:
        l.out = Shape{1, 1, in.c};
        break;
    case OpKind::Dense:
        l.out = Shape{1, 1, l.filters};
        break;
    case OpKind::Add:
        if (input_shape(1) != in)
            ck.error("inputs", "add needs two tensors of the same shape, got " + to_string(in) + " ('" +
                                   out.layers[size_t(l.inputs[0])].name + "') and " + to_string(input_shape(1)) + " ('" +
                                   out.layers[size_t(l.inputs[1])].name + "')");
        l.out = in;
        break;
    case OpKind::Mul:
        if (input_shape(1) != in && input_shape(1) != Shape{1, 1, in.c})
            ck.error("inputs", "mul needs a gate of the same shape as " + to_string(in) + " or 1x1x" + std::to_string(in.c) +
                                   ", got " + to_string(input_shape(1)));
        l.out = in;
        break;
    case OpKind::Concat:
        l.out = in;
        for (size_t k = 1; k < l.inputs.size(); k++) {
            const Shape s = input_shape(k);
            if (s.h != in.h || s.w != in.w)
                ck.error("inputs[" + std::to_string(k) + "]", "concat needs the same height and width, got " + to_string(in) +
                                                                " and " + to_string(s));
            l.out.c += s.c;
        }
        break;
    case OpKind::Reshape: {
        Shape s = l.reshape_to;
        const int64_t known = int64_t(s.h < 0 ? 1 : s.h) * (s.w < 0 ? 1 : s.w) * (s.c < 0 ? 1 : s.c);
        const bool infer = s.h < 0 || s.w < 0 || s.c < 0;
        if (infer) {
            if (in.elements() % known != 0)
                ck.error("shape", "cannot reshape " + to_string(in) + " (" + std::to_string(in.elements()) +
                                      " values) into a shape with " + std::to_string(known) + " values per -1");
            int &unknown = s.h < 0 ? s.h : s.w < 0 ? s.w : s.c;
            unknown = int(in.elements() / known);
        } else if (known != in.elements()) {
            ck.error("shape", "cannot reshape " + to_string(in) + " (" + std::to_string(in.elements()) + " values) into " +
                                  to_string(s) + " (" + std::to_string(known) + " values)");
        }
        l.out = s;
        break;
    }
    case OpKind::Resize:
        if (l.resize.height < 1 || l.resize.width < 1 || l.resize.height > (1 << 16) || l.resize.width > (1 << 16))
            ck.error("size", "expected an output size from 1x1 to 65536x65536, got " + std::to_string(l.resize.height) + "x" +
                                 std::to_string(l.resize.width));
        l.out = Shape{l.resize.height, l.resize.width, in.c};
        break;
    case OpKind::Pad: {
        const Padding &p = l.padding;
        if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0 || std::max({p.top, p.left, p.bottom, p.right}) > kMaxWindowExtent)
            ck.error("pads", "expected pads from 0 to " + std::to_string(kMaxWindowExtent) + ", got [" + std::to_string(p.top) + ", " +
                                 std::to_string(p.left) + ", " + std::to_string(p.bottom) + ", " + std::to_string(p.right) + "]");
        if (l.pad_mode == PadMode::Reflect && (std::max(p.top, p.bottom) >= in.h || std::max(p.left, p.right) >= in.w))
            ck.error("pads", "reflect padding must be smaller than the input (" + to_string(in) + ") on each side");
        l.out = Shape{int(std::min<int64_t>(int64_t(in.h) + p.top + p.bottom, kMaxWindowExtent)),
                      int(std::min<int64_t>(int64_t(in.w) + p.left + p.right, kMaxWindowExtent)), in.c};
        break;
    }
    case OpKind::ConvTranspose2D: {
        if (l.groups < 1 || in.c % l.groups != 0 || l.filters % l.groups != 0)
            ck.error("groups", "groups (" + std::to_string(l.groups) + ") must divide both the input channels (" +
                                   std::to_string(in.c) + ") and filters (" + std::to_string(l.filters) + ")");
        const Padding &p = l.padding;
        auto axis = [&](int in_n, int k, int stride, int dilation, int before, int after, int extra, const char *name) {
            if (k < 1 || stride < 1 || dilation < 1 || k > 1024 || stride > 1024 || dilation > 1024)
                ck.error("kernel", std::string("kernel, stride and dilation along ") + name + " must be 1..1024");
            if (before < 0 || after < 0 || extra < 0 || extra > 1024)
                ck.error("padding", std::string("pads along ") + name + " must not be negative, and the output padding must be 0..1024");
            const int64_t n = int64_t(in_n - 1) * stride + int64_t(dilation) * (k - 1) + 1 + extra - before - after;
            if (n < 1 || n > kMaxWindowExtent)
                ck.error("padding", std::string("the output ") + name + " would be " + std::to_string(n));
            return int(n);
        };
        l.out = Shape{axis(in.h, l.kernel_h, l.stride_h, l.dilation_h, p.top, p.bottom, l.output_pad_h, "height"),
                      axis(in.w, l.kernel_w, l.stride_w, l.dilation_w, p.left, p.right, l.output_pad_w, "width"), l.filters};
        break;
    }
    case OpKind::SeparableConv:
    case OpKind::InvertedResidual:
    case OpKind::Input:
        ck.error("op", "internal: composite layers must be expanded before shape inference");
    }
    if (l.out.elements() <= 0 || l.out.elements() > kMaxTensorElements)
        ck.error("op", "impossible output shape " + to_string(l.out) + " from input " + to_string(in));
}

Graph infer_shapes(const Graph &g) {
    Graph out = g;
    for (size_t i = 0; i < out.layers.size(); i++) infer_layer_shape(out, i);
    return out;
}

}  // namespace netc
