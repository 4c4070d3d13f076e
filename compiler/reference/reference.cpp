#include "reference/reference.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "spec/diagnostic.h"

namespace netc {

namespace {

// One activation tensor, batch 1, HWC.
struct Fmap {
    Shape shape;
    std::vector<float> data;

    explicit Fmap(Shape s) : shape(s), data(size_t(s.elements()), 0.0f) {}

    size_t index(int y, int x, int c) const { return (size_t(y) * size_t(shape.w) + size_t(x)) * size_t(shape.c) + size_t(c); }
    float at(int y, int x, int c) const { return data[index(y, x, c)]; }
    float &at(int y, int x, int c) { return data[index(y, x, c)]; }
    bool inside(int y, int x) const { return y >= 0 && y < shape.h && x >= 0 && x < shape.w; }
};

// Everything an op needs to report a problem against the spec.
struct Context {
    const Graph &graph;
    const Layer &layer;

    [[noreturn]] void fail_op(const std::string &message) const {
        std::string field = layer.origin.empty() ? "" : layer.origin + ".op";
        fail(graph.spec_file, layer.name, field, "reference interpreter: " + message);
    }
};

std::string dims_to_string(const std::vector<int64_t> &dims) {
    std::string s = "(";
    for (size_t i = 0; i < dims.size(); i++) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + ")";
}

// Looks up a weight and insists on its exact shape, so that an indexing mistake in a
// caller shows up as an error instead of an out-of-bounds read.
const Tensor &param(const Context &ctx, const std::string &role, const std::vector<int64_t> &dims) {
    std::string key = ctx.layer.name + "." + role;  // its name in the safetensors file
    auto it = ctx.layer.params.find(role);
    if (it == ctx.layer.params.end())
        fail(ctx.graph.spec_file, ctx.layer.name, key, "reference interpreter: weight '" + role + "' is not bound");
    const Tensor &t = it->second;
    if (t.shape != dims || int64_t(t.data.size()) != t.elements())
        fail(ctx.graph.spec_file, ctx.layer.name, key,
             "reference interpreter: expected shape " + dims_to_string(dims) + ", got " + dims_to_string(t.shape) +
                 " with " + std::to_string(t.data.size()) + " values");
    return t;
}

// The bias is optional; a missing one behaves as zeros.
std::vector<float> bias_or_zero(const Context &ctx, int64_t n) {
    if (!ctx.layer.bias) return std::vector<float>(size_t(n), 0.0f);
    return param(ctx, "bias", {n}).data;
}

void check_out_shape(const Context &ctx, const Shape &computed) {
    if (ctx.layer.out != computed)
        ctx.fail_op("layer.out is " + to_string(ctx.layer.out) + " but the op's geometry gives " + to_string(computed));
}

double activate(Activation a, const ActivationParams &p, double v) {
    switch (a) {
    case Activation::None: return v;
    case Activation::Relu: return std::max(v, 0.0);
    case Activation::Relu6: return std::min(std::max(v, 0.0), 6.0);
    case Activation::HSigmoid: return std::min(std::max(v + 3.0, 0.0), 6.0) / 6.0;
    case Activation::HSwish: return v * std::min(std::max(v + 3.0, 0.0), 6.0) / 6.0;
    case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-v));
    case Activation::Clip: return std::min(std::max(v, double(p.alpha)), double(p.beta));
    case Activation::LeakyRelu: return v >= 0 ? v : double(p.alpha) * v;
    case Activation::HardSigmoid: return std::min(std::max(double(p.alpha) * v + double(p.beta), 0.0), 1.0);
    }
    return v;
}

// Output size of a sliding window along one axis, or a non-positive number if none fits.
int windowed_extent(int in, int pad_before, int pad_after, int kernel, int stride, int dilation) {
    int span = dilation * (kernel - 1) + 1;
    int padded = in + pad_before + pad_after;
    if (padded < span || stride < 1) return 0;
    return (padded - span) / stride + 1;
}

Shape windowed_shape(const Context &ctx, const Shape &in, int channels, int dilation_h, int dilation_w) {
    const Layer &l = ctx.layer;
    const Padding &p = l.padding;
    Shape s{windowed_extent(in.h, p.top, p.bottom, l.kernel_h, l.stride_h, dilation_h),
            windowed_extent(in.w, p.left, p.right, l.kernel_w, l.stride_w, dilation_w), channels};
    if (s.h <= 0 || s.w <= 0) ctx.fail_op("the window does not fit the padded input " + to_string(in));
    return s;
}

// Grouped convolution, the general case that both conv2d and depthwise_conv2d are.
// Weight layout (out, in/groups, kh, kw).
Fmap convolve(const Context &ctx, const Fmap &in, int out_channels, int groups) {
    const Layer &l = ctx.layer;
    if (groups < 1 || in.shape.c % groups != 0 || out_channels % groups != 0)
        ctx.fail_op("channels " + std::to_string(in.shape.c) + " -> " + std::to_string(out_channels) +
                    " are not divisible by groups " + std::to_string(groups));
    const int in_per_group = in.shape.c / groups;
    const int out_per_group = out_channels / groups;
    const Tensor &w = param(ctx, "weight", {out_channels, in_per_group, l.kernel_h, l.kernel_w});
    const std::vector<float> bias = bias_or_zero(ctx, out_channels);

    Fmap out(windowed_shape(ctx, in.shape, out_channels, l.dilation_h, l.dilation_w));
    check_out_shape(ctx, out.shape);
    // Taps outermost and output channels innermost, so the inner loop runs over contiguous
    // memory (the big models are billions of MACs); the sum is still one double per output.
    const int taps = l.kernel_h * l.kernel_w;
    std::vector<float> w_tap_major(w.data.size());  // [tap][ci][co]
    for (int co = 0; co < out_channels; co++)
        for (int ci = 0; ci < in_per_group; ci++)
            for (int t = 0; t < taps; t++)
                w_tap_major[(size_t(t) * in_per_group + ci) * out_channels + co] = w.data[(size_t(co) * in_per_group + ci) * taps + t];
    std::vector<double> sum(static_cast<size_t>(out_channels));
    for (int y = 0; y < out.shape.h; y++)
        for (int x = 0; x < out.shape.w; x++) {
            for (int co = 0; co < out_channels; co++) sum[size_t(co)] = bias[size_t(co)];
            for (int ky = 0; ky < l.kernel_h; ky++)
                for (int kx = 0; kx < l.kernel_w; kx++) {
                    const int iy = y * l.stride_h + ky * l.dilation_h - l.padding.top;
                    const int ix = x * l.stride_w + kx * l.dilation_w - l.padding.left;
                    if (!in.inside(iy, ix)) continue;  // zeros outside the input add nothing
                    const float *pixel = &in.data[in.index(iy, ix, 0)];
                    const float *w_tap = &w_tap_major[size_t(ky * l.kernel_w + kx) * in_per_group * out_channels];
                    for (int group = 0; group < groups; group++)
                        for (int ci = 0; ci < in_per_group; ci++) {
                            const double v = pixel[group * in_per_group + ci];
                            const float *w_row = w_tap + size_t(ci) * out_channels;
                            for (int co = group * out_per_group; co < (group + 1) * out_per_group; co++) sum[size_t(co)] += double(w_row[co]) * v;
                        }
                }
            for (int co = 0; co < out_channels; co++) out.at(y, x, co) = float(activate(l.activation, l.act, sum[size_t(co)]));
        }
    return out;
}

Fmap conv2d(const Context &ctx, const Fmap &in) {
    return convolve(ctx, in, ctx.layer.out.c, ctx.layer.groups);
}

// A depthwise conv is a grouped conv with one group per input channel: output channel co
// then reads input channel co / multiplier, and the weight (c*m, 1, kh, kw) is already
// in grouped layout.
Fmap depthwise_conv2d(const Context &ctx, const Fmap &in) {
    if (ctx.layer.multiplier < 1) ctx.fail_op("multiplier must be at least 1");
    return convolve(ctx, in, in.shape.c * ctx.layer.multiplier, in.shape.c);
}

// Elementwise x · scale + shift, scale and shift of the input's shape.
Fmap affine(const Context &ctx, const Fmap &in) {
    check_out_shape(ctx, in.shape);
    const std::vector<int64_t> dims = {in.shape.h, in.shape.w, in.shape.c};
    const Tensor &scale = param(ctx, "scale", dims), &shift = param(ctx, "shift", dims);
    Fmap out(in.shape);
    for (size_t i = 0; i < in.data.size(); i++) out.data[i] = float(double(in.data[i]) * scale.data[i] + shift.data[i]);
    return out;
}

Fmap batchnorm(const Context &ctx, const Fmap &in) {
    const int c = in.shape.c;
    const Tensor &gamma = param(ctx, "gamma", {c});
    const Tensor &beta = param(ctx, "beta", {c});
    const Tensor &mean = param(ctx, "mean", {c});
    const Tensor &var = param(ctx, "var", {c});
    check_out_shape(ctx, in.shape);
    Fmap out(in.shape);
    for (int y = 0; y < in.shape.h; y++)
        for (int x = 0; x < in.shape.w; x++)
            for (int ch = 0; ch < c; ch++) {
                double normalised = (double(in.at(y, x, ch)) - mean.data[size_t(ch)]) /
                                    std::sqrt(double(var.data[size_t(ch)]) + double(ctx.layer.epsilon));
                out.at(y, x, ch) = float(gamma.data[size_t(ch)] * normalised + beta.data[size_t(ch)]);
            }
    return out;
}

Fmap elementwise_activation(const Context &ctx, const Fmap &in, Activation a) {
    check_out_shape(ctx, in.shape);
    Fmap out(in.shape);
    for (size_t i = 0; i < in.data.size(); i++) out.data[i] = float(activate(a, ctx.layer.act, in.data[i]));
    return out;
}

Fmap global_avgpool(const Context &ctx, const Fmap &in) {
    check_out_shape(ctx, Shape{1, 1, in.shape.c});
    Fmap out(ctx.layer.out);
    const double count = double(in.shape.h) * in.shape.w;
    for (int ch = 0; ch < in.shape.c; ch++) {
        double sum = 0;
        for (int y = 0; y < in.shape.h; y++)
            for (int x = 0; x < in.shape.w; x++) sum += in.at(y, x, ch);
        out.at(0, 0, ch) = float(sum / count);
    }
    return out;
}

// Pooling: `reduce` sees the input values of one window that lie inside the input
// (padding positions are never part of a pooling window) and returns the output value.
template <typename Reduce>
Fmap pool(const Context &ctx, const Fmap &in, Reduce reduce) {
    const Layer &l = ctx.layer;
    Fmap out(windowed_shape(ctx, in.shape, in.shape.c, 1, 1));
    check_out_shape(ctx, out.shape);
    std::vector<float> taps;
    for (int y = 0; y < out.shape.h; y++)
        for (int x = 0; x < out.shape.w; x++)
            for (int ch = 0; ch < in.shape.c; ch++) {
                taps.clear();
                for (int ky = 0; ky < l.kernel_h; ky++)
                    for (int kx = 0; kx < l.kernel_w; kx++) {
                        int iy = y * l.stride_h + ky - l.padding.top;
                        int ix = x * l.stride_w + kx - l.padding.left;
                        if (in.inside(iy, ix)) taps.push_back(in.at(iy, ix, ch));
                    }
                if (taps.empty()) ctx.fail_op("a pooling window lies entirely in the padding");
                out.at(y, x, ch) = reduce(taps);
            }
    return out;
}

// TensorFlow's rule: an edge window averages only the input pixels it covers.
Fmap avgpool(const Context &ctx, const Fmap &in) {
    return pool(ctx, in, [](const std::vector<float> &t) {
        double sum = 0;
        for (float v : t) sum += v;
        return float(sum / double(t.size()));
    });
}

// As if padded with -infinity: padding never wins, whatever the sign of the data.
Fmap maxpool(const Context &ctx, const Fmap &in) {
    return pool(ctx, in, [](const std::vector<float> &t) { return *std::max_element(t.begin(), t.end()); });
}

// The input is flattened in its storage order, HWC, which is what Keras' Flatten does
// on a channels-last tensor (PyTorch flattens CHW; weights from there need permuting).
Fmap dense(const Context &ctx, const Fmap &in) {
    const int units = ctx.layer.out.c;
    const int64_t n = in.shape.elements();
    check_out_shape(ctx, Shape{1, 1, units});
    const Tensor &w = param(ctx, "weight", {units, n});
    const std::vector<float> bias = bias_or_zero(ctx, units);
    Fmap out(ctx.layer.out);
    for (int u = 0; u < units; u++) {
        double sum = bias[size_t(u)];
        for (int64_t i = 0; i < n; i++) sum += double(w.data[size_t(u * n + i)]) * in.data[size_t(i)];
        out.at(0, 0, u) = float(activate(ctx.layer.activation, ctx.layer.act, sum));
    }
    return out;
}

// Subtracting the per-pixel maximum keeps exp() from overflowing on large logits.
// Along the channels of each pixel, or along a row (width) or column (height) of each channel.
Fmap softmax(const Context &ctx, const Fmap &in) {
    check_out_shape(ctx, in.shape);
    const SoftmaxAxis axis = ctx.layer.softmax_axis;
    const int n = axis == SoftmaxAxis::Channels ? in.shape.c : axis == SoftmaxAxis::Width ? in.shape.w : in.shape.h;
    if (n < 1) ctx.fail_op("softmax over an empty axis");
    Fmap out(in.shape);
    // Every (y, x, c) whose own axis coordinate is 0 starts one softmax, over positions k.
    auto at = [&](int y, int x, int c, int k) -> size_t {
        if (axis == SoftmaxAxis::Channels) return in.index(y, x, k);
        if (axis == SoftmaxAxis::Width) return in.index(y, k, c);
        return in.index(k, x, c);
    };
    for (int y = 0; y < (axis == SoftmaxAxis::Height ? 1 : in.shape.h); y++)
        for (int x = 0; x < (axis == SoftmaxAxis::Width ? 1 : in.shape.w); x++)
            for (int c = 0; c < (axis == SoftmaxAxis::Channels ? 1 : in.shape.c); c++) {
                double max = in.data[at(y, x, c, 0)];
                for (int k = 1; k < n; k++) max = std::max(max, double(in.data[at(y, x, c, k)]));
                std::vector<double> e(static_cast<size_t>(n));
                double total = 0;
                for (int k = 0; k < n; k++) total += e[size_t(k)] = std::exp(in.data[at(y, x, c, k)] - max);
                for (int k = 0; k < n; k++) out.data[at(y, x, c, k)] = float(e[size_t(k)] / total);
            }
    return out;
}

Fmap add(const Context &ctx, const Fmap &a, const Fmap &b) {
    if (a.shape != b.shape) ctx.fail_op("add of " + to_string(a.shape) + " and " + to_string(b.shape));
    Fmap out(a.shape);
    for (size_t i = 0; i < a.data.size(); i++) out.data[i] = a.data[i] + b.data[i];
    return out;
}

// The gate is either x's shape or 1x1xC, one factor per channel.
Fmap mul(const Context &ctx, const Fmap &x, const Fmap &gate) {
    const bool per_channel = gate.shape == Shape{1, 1, x.shape.c};
    if (!per_channel && gate.shape != x.shape) ctx.fail_op("mul of " + to_string(x.shape) + " by " + to_string(gate.shape));
    Fmap out(x.shape);
    for (int y = 0; y < x.shape.h; y++)
        for (int xx = 0; xx < x.shape.w; xx++)
            for (int c = 0; c < x.shape.c; c++)
                out.at(y, xx, c) = x.at(y, xx, c) * (per_channel ? gate.at(0, 0, c) : gate.at(y, xx, c));
    return out;
}

Fmap concat(const Context &ctx, const std::vector<const Fmap *> &ins) {
    Fmap out(ctx.layer.out);
    int base = 0;
    for (const Fmap *in : ins) {
        if (in->shape.h != out.shape.h || in->shape.w != out.shape.w || base + in->shape.c > out.shape.c)
            ctx.fail_op("concat input " + to_string(in->shape) + " does not fit " + to_string(out.shape));
        for (int y = 0; y < out.shape.h; y++)
            for (int x = 0; x < out.shape.w; x++)
                for (int c = 0; c < in->shape.c; c++) out.at(y, x, base + c) = in->at(y, x, c);
        base += in->shape.c;
    }
    if (base != out.shape.c) ctx.fail_op("concat inputs have " + std::to_string(base) + " channels, the layer " + std::to_string(out.shape.c));
    return out;
}

// The values keep their HWC order; only the shape changes.
Fmap reshape(const Context &ctx, const Fmap &in) {
    if (ctx.layer.out.elements() != in.shape.elements())
        ctx.fail_op("reshape of " + to_string(in.shape) + " into " + to_string(ctx.layer.out));
    Fmap out(ctx.layer.out);
    out.data = in.data;
    return out;
}

// Source coordinate of output position o along an axis of `in` -> `out` values (ONNX Resize's
// coordinate_transformation_mode), in double precision.
double resize_source(const ResizeAttrs &r, int o, int in, int out, double given_scale, double roi_start, double roi_end) {
    const double scale = given_scale > 0 ? given_scale : double(out) / double(in);
    // With given scales ONNX takes the resized length unrounded: input * scale.
    const double resized = given_scale > 0 ? double(in) * given_scale : double(out);
    switch (r.coordinate) {
    case ResizeAttrs::Asymmetric: return o / scale;
    case ResizeAttrs::AlignCorners: return resized <= 1 ? 0.0 : o * double(in - 1) / (resized - 1);
    case ResizeAttrs::PytorchHalfPixel:
        if (resized <= 1) return 0.0;
        break;
    case ResizeAttrs::TfHalfPixelForNn: return (o + 0.5) / scale;
    case ResizeAttrs::TfCropAndResize: {
        const double span = (roi_end - roi_start) * (in - 1);
        return roi_start * (in - 1) + (resized <= 1 ? span / 2 : o * span / (resized - 1));
    }
    case ResizeAttrs::HalfPixel: break;
    }
    return (o + 0.5) / scale - 0.5;
}

// One output position's input positions and weights along an axis, as ONNX's reference finds
// them: the n input positions nearest the source coordinate (ties to the lower), on the input
// extended by repeating its edge values; an empty list means outside (tf_crop_and_resize).
std::vector<std::pair<int, double>> resize_taps(const ResizeAttrs &r, int o, int in, int out, double given_scale, double roi_start, double roi_end) {
    const double s = resize_source(r, o, in, out, given_scale, roi_start, roi_end);
    if (r.coordinate == ResizeAttrs::TfCropAndResize && (s < 0 || s > in - 1)) return {};
    auto edge = [&](long i) { return int(std::min<long>(std::max<long>(i, 0), in - 1)); };
    if (r.mode == ResizeAttrs::Nearest) {
        double i = s;
        switch (r.nearest) {
        case ResizeAttrs::RoundPreferFloor: i = (s - std::floor(s)) == 0.5 ? std::floor(s) : std::round(s); break;
        case ResizeAttrs::RoundPreferCeil: i = (s - std::floor(s)) == 0.5 ? std::ceil(s) : std::round(s); break;
        case ResizeAttrs::Floor: i = std::floor(s); break;
        case ResizeAttrs::Ceil: i = std::ceil(s); break;
        }
        return {{edge(long(i)), 1.0}};
    }
    if (r.mode == ResizeAttrs::Linear) {
        const double c = std::min(std::max(s, 0.0), double(in - 1));
        const int lo = int(c);
        return {{lo, 1 - (c - lo)}, {std::min(lo + 1, in - 1), c - lo}};
    }
    // Cubic: the 4 nearest positions, then Keys' weights for their distances.
    std::vector<long> near;
    for (long i = long(std::floor(s)) - 3; i <= long(std::floor(s)) + 3; i++) near.push_back(i);
    std::stable_sort(near.begin(), near.end(), [&](long a, long b) { return std::abs(s - double(a)) < std::abs(s - double(b)); });
    near.resize(4);
    std::vector<std::pair<int, double>> taps;
    double total = 0;
    for (long i : near) {
        const double d = std::abs(s - double(i)), a = r.cubic_a;
        double w = d <= 1 ? (a + 2) * d * d * d - (a + 3) * d * d + 1 : d < 2 ? a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a : 0;
        if (r.exclude_outside && (i < 0 || i >= in)) w = 0;
        taps.push_back({edge(i), w});
        total += w;
    }
    if (r.exclude_outside)
        for (auto &t : taps) t.second /= total;
    return taps;
}

// Each output pixel: the weighted sum over the taps of both axes.
Fmap resize(const Context &ctx, const Fmap &in) {
    const ResizeAttrs &r = ctx.layer.resize;
    check_out_shape(ctx, Shape{r.height, r.width, in.shape.c});
    Fmap out(ctx.layer.out);
    for (int y = 0; y < r.height; y++)
        for (int x = 0; x < r.width; x++) {
            const auto ty = resize_taps(r, y, in.shape.h, r.height, r.scale_h, r.roi[0], r.roi[2]);
            const auto tx = resize_taps(r, x, in.shape.w, r.width, r.scale_w, r.roi[1], r.roi[3]);
            for (int c = 0; c < in.shape.c; c++) {
                double v = 0;
                for (const auto &[iy, wy] : ty)
                    for (const auto &[ix, wx] : tx) v += wy * wx * in.at(iy, ix, c);
                out.at(y, x, c) = float(ty.empty() || tx.empty() ? r.extrapolation_value : v);
            }
        }
    return out;
}

// Spatial padding: the constant, the nearest edge pixel, or the mirror image about the edge.
Fmap pad(const Context &ctx, const Fmap &in) {
    const Layer &l = ctx.layer;
    const Padding &p = l.padding;
    check_out_shape(ctx, Shape{in.shape.h + p.top + p.bottom, in.shape.w + p.left + p.right, in.shape.c});
    if (l.pad_mode == PadMode::Reflect && (std::max(p.top, p.bottom) >= in.shape.h || std::max(p.left, p.right) >= in.shape.w))
        ctx.fail_op("reflect padding must be smaller than the input");
    auto source = [&](int i, int n) {
        if (l.pad_mode == PadMode::Edge) return std::min(std::max(i, 0), n - 1);
        if (l.pad_mode == PadMode::Reflect) return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
        return i;
    };
    Fmap out(l.out);
    for (int y = 0; y < l.out.h; y++)
        for (int x = 0; x < l.out.w; x++) {
            const int iy = source(y - p.top, in.shape.h), ix = source(x - p.left, in.shape.w);
            for (int c = 0; c < in.shape.c; c++) out.at(y, x, c) = in.inside(iy, ix) ? in.at(iy, ix, c) : l.pad_value;
        }
    return out;
}

// Transposed convolution as its definition: every input pixel scatters its weighted kernel
// into the full output (stride apart, dilated), which then loses `padding` at each border and
// gains output_padding rows/columns at the bottom/right. Weight layout (in, out/groups, kh, kw).
Fmap conv_transpose2d(const Context &ctx, const Fmap &in) {
    const Layer &l = ctx.layer;
    const int groups = l.groups, out_c = l.filters;
    if (groups < 1 || in.shape.c % groups || out_c % groups) ctx.fail_op("channels are not divisible by groups");
    const int in_g = in.shape.c / groups, out_g = out_c / groups;
    const Tensor &w = param(ctx, "weight", {in.shape.c, out_g, l.kernel_h, l.kernel_w});
    const std::vector<float> bias = bias_or_zero(ctx, out_c);
    const Padding &p = l.padding;
    const Shape shape{(in.shape.h - 1) * l.stride_h + l.dilation_h * (l.kernel_h - 1) + 1 + l.output_pad_h - p.top - p.bottom,
                      (in.shape.w - 1) * l.stride_w + l.dilation_w * (l.kernel_w - 1) + 1 + l.output_pad_w - p.left - p.right, out_c};
    check_out_shape(ctx, shape);
    std::vector<double> sum(size_t(shape.elements()));
    for (int y = 0; y < shape.h; y++)
        for (int x = 0; x < shape.w; x++)
            for (int co = 0; co < out_c; co++) sum[(size_t(y) * shape.w + x) * out_c + co] = bias[size_t(co)];
    for (int iy = 0; iy < in.shape.h; iy++)
        for (int ix = 0; ix < in.shape.w; ix++)
            for (int ky = 0; ky < l.kernel_h; ky++)
                for (int kx = 0; kx < l.kernel_w; kx++) {
                    const int y = iy * l.stride_h + ky * l.dilation_h - p.top, x = ix * l.stride_w + kx * l.dilation_w - p.left;
                    if (y < 0 || y >= shape.h || x < 0 || x >= shape.w) continue;
                    for (int ci = 0; ci < in.shape.c; ci++) {
                        const int g = ci / in_g;
                        for (int k = 0; k < out_g; k++)
                            sum[(size_t(y) * shape.w + x) * out_c + g * out_g + k] +=
                                double(in.at(iy, ix, ci)) * w.data[((size_t(ci) * out_g + k) * l.kernel_h + ky) * l.kernel_w + kx];
                    }
                }
    Fmap out(shape);
    for (size_t i = 0; i < sum.size(); i++) out.data[i] = float(activate(l.activation, l.act, sum[i]));
    return out;
}

Fmap run_layer(const Context &ctx, const std::vector<const Fmap *> &ins) {
    const Fmap &in = *ins[0];
    switch (ctx.layer.op) {
    case OpKind::Add: return add(ctx, *ins[0], *ins[1]);
    case OpKind::Mul: return mul(ctx, *ins[0], *ins[1]);
    case OpKind::Concat: return concat(ctx, ins);
    case OpKind::Conv2D: return conv2d(ctx, in);
    case OpKind::DepthwiseConv2D: return depthwise_conv2d(ctx, in);
    case OpKind::BatchNorm: return batchnorm(ctx, in);
    case OpKind::Affine: return affine(ctx, in);
    case OpKind::Relu: return elementwise_activation(ctx, in, Activation::Relu);
    case OpKind::Relu6: return elementwise_activation(ctx, in, Activation::Relu6);
    case OpKind::HSwish: return elementwise_activation(ctx, in, Activation::HSwish);
    case OpKind::HSigmoid: return elementwise_activation(ctx, in, Activation::HSigmoid);
    case OpKind::Sigmoid: return elementwise_activation(ctx, in, Activation::Sigmoid);
    case OpKind::Clip: return elementwise_activation(ctx, in, Activation::Clip);
    case OpKind::LeakyRelu: return elementwise_activation(ctx, in, Activation::LeakyRelu);
    case OpKind::HardSigmoid: return elementwise_activation(ctx, in, Activation::HardSigmoid);
    case OpKind::MaxPool: return maxpool(ctx, in);
    case OpKind::GlobalAvgPool: return global_avgpool(ctx, in);
    case OpKind::AvgPool: return avgpool(ctx, in);
    case OpKind::Dense: return dense(ctx, in);
    case OpKind::Softmax: return softmax(ctx, in);
    case OpKind::Reshape: return reshape(ctx, in);
    case OpKind::Resize: return resize(ctx, in);
    case OpKind::Pad: return pad(ctx, in);
    case OpKind::ConvTranspose2D: return conv_transpose2d(ctx, in);
    case OpKind::SeparableConv:
    case OpKind::InvertedResidual:
        ctx.fail_op(std::string(op_name(ctx.layer.op)) + " is a composite; run expand_composites before the reference interpreter");
    case OpKind::Input: ctx.fail_op("only layer 0 may be the input");
    }
    ctx.fail_op("unknown op");
}

// The earlier layers an op reads: two for add and mul, two or more for concat, else one.
std::vector<int> checked_inputs(const Context &ctx, size_t self) {
    const std::vector<int> &ins = ctx.layer.inputs;
    const OpKind op = ctx.layer.op;
    const size_t min = reads_several_inputs(op) ? 2 : 1;
    const size_t max = op == OpKind::Concat ? ins.size() : min;
    if (ins.size() < min || ins.size() > max) ctx.fail_op("wrong number of inputs: " + std::to_string(ins.size()));
    for (int in : ins)
        if (in < 0 || size_t(in) >= self) ctx.fail_op("input index " + std::to_string(in) + " is not an earlier layer");
    return ins;
}

Fmap input_fmap(const Graph &g, const std::vector<float> &input) {
    if (g.layers.empty() || g.layers[0].op != OpKind::Input)
        fail(g.spec_file, "", "layers", "reference interpreter: layer 0 must be the input");
    const Shape &s = g.input.shape;
    // Later ops divide by H*W and index channel 0, so an empty input must stop here.
    if (s.h < 1 || s.w < 1 || s.c < 1)
        fail(g.spec_file, g.input.name, "input.shape", "reference interpreter: empty input shape " + to_string(s));
    if (int64_t(input.size()) != s.elements())
        fail(g.spec_file, g.input.name, "input.shape",
             "reference interpreter: input has " + std::to_string(input.size()) + " values, shape " + to_string(s) +
                 " needs " + std::to_string(s.elements()));
    Fmap f(s);
    f.data = input;
    return f;
}

}  // namespace

std::vector<std::vector<float>> run_reference(const Graph &g, const std::vector<float> &input) {
    Graph copy = g;
    return run_reference(copy, input, nullptr);
}

std::vector<std::vector<float>> run_reference(Graph &g, const std::vector<float> &input, const LayerObserver &after_layer) {
    // Every intermediate is kept: it keeps the loop trivial, and the largest model's
    // activations are a few hundred MB at most.
    std::vector<Fmap> values;
    values.reserve(g.layers.size());
    values.push_back(input_fmap(g, input));
    if (after_layer) after_layer(g, 0, values[0].data);
    for (size_t i = 1; i < g.layers.size(); i++) {
        Context ctx{g, g.layers[i]};
        std::vector<const Fmap *> ins;
        for (int in : checked_inputs(ctx, i)) ins.push_back(&values[size_t(in)]);
        values.push_back(run_layer(ctx, ins));
        if (after_layer) after_layer(g, int(i), values.back().data);
    }

    std::vector<std::vector<float>> outputs;
    for (int o : g.outputs) {
        if (o < 0 || size_t(o) >= values.size())
            fail(g.spec_file, "", "outputs", "reference interpreter: output index " + std::to_string(o) + " is out of range");
        outputs.push_back(values[size_t(o)].data);
    }
    return outputs;
}

}  // namespace netc
