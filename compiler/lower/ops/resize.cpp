#include <algorithm>
#include <cmath>

#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

namespace {

// Per output position along one axis: the `taps` source positions it blends and their
// weights (nearest: 1 tap, linear: 2, cubic: 4), and whether it falls inside the input at all
// (tf_crop_and_resize puts the extrapolation value elsewhere). Shapes are static, so these
// are tables computed once, at compile time.
struct AxisTable {
    int taps = 1;
    Buffer<int> index;     // (tap, position)
    Buffer<float> weight;  // (tap, position)
    Buffer<uint8_t> inside;
};

// Keys' cubic convolution kernel at distance d (|d| < 2) with parameter a.
double keys_cubic(double d, double a) {
    d = std::abs(d);
    if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
    if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    return 0;
}

double source_coordinate(const ResizeAttrs &r, int o, int in, int out, double given_scale, double roi_start, double roi_end) {
    const double scale = given_scale > 0 ? given_scale : double(out) / in;
    // ONNX's "length_resized" is input * scale before rounding when scales are given.
    const double length = given_scale > 0 ? in * given_scale : double(out);
    switch (r.coordinate) {
    case ResizeAttrs::HalfPixel: return (o + 0.5) / scale - 0.5;
    case ResizeAttrs::PytorchHalfPixel: return length > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case ResizeAttrs::AlignCorners: return length > 1 ? o * double(in - 1) / (length - 1) : 0;
    case ResizeAttrs::Asymmetric: return o / scale;
    case ResizeAttrs::TfHalfPixelForNn: return (o + 0.5) / scale;
    case ResizeAttrs::TfCropAndResize:
        return roi_start * (in - 1) + (length > 1 ? o * (roi_end - roi_start) * (in - 1) / (length - 1) : (roi_end - roi_start) * (in - 1) / 2);
    }
    return 0;
}

AxisTable axis_table(const ResizeAttrs &r, int in, int out, double given_scale, double roi_start, double roi_end, const std::string &name) {
    AxisTable t;
    t.taps = r.mode == ResizeAttrs::Nearest ? 1 : r.mode == ResizeAttrs::Linear ? 2 : 4;
    t.index = Buffer<int>(t.taps, out, name + "_index");
    t.weight = Buffer<float>(t.taps, out, name + "_weight");
    t.inside = Buffer<uint8_t>(out, name + "_inside");
    auto clamped = [&](double i) { return int(std::min(std::max(i, 0.0), double(in - 1))); };
    for (int o = 0; o < out; o++) {
        const double x = source_coordinate(r, o, in, out, given_scale, roi_start, roi_end);
        t.inside(o) = r.coordinate != ResizeAttrs::TfCropAndResize || (x >= 0 && x <= in - 1);
        if (r.mode == ResizeAttrs::Nearest) {
            double i = 0;
            switch (r.nearest) {
            case ResizeAttrs::RoundPreferFloor: i = std::ceil(x - 0.5); break;
            case ResizeAttrs::RoundPreferCeil: i = std::floor(x + 0.5); break;
            case ResizeAttrs::Floor: i = std::floor(x); break;
            case ResizeAttrs::Ceil: i = std::ceil(x); break;
            }
            t.index(0, o) = clamped(i), t.weight(0, o) = 1;
        } else if (r.mode == ResizeAttrs::Linear) {
            const double cx = std::min(std::max(x, 0.0), double(in - 1));
            const int lo = int(std::floor(cx));
            t.index(0, o) = lo, t.index(1, o) = std::min(lo + 1, in - 1);
            t.weight(0, o) = float(1 - (cx - lo)), t.weight(1, o) = float(cx - lo);
        } else {
            // Taps at base-1 .. base+2 around x, edge pixels repeated past the borders (or
            // dropped, the rest renormalised, with exclude_outside).
            const int base = int(std::floor(x));
            double w[4], sum = 0;
            for (int k = 0; k < 4; k++) {
                const int i = base - 1 + k;
                w[k] = keys_cubic(x - i, r.cubic_a);
                if (r.exclude_outside && (i < 0 || i >= in)) w[k] = 0;
                sum += w[k];
                t.index(k, o) = clamped(i);
            }
            for (int k = 0; k < 4; k++) t.weight(k, o) = float(r.exclude_outside ? w[k] / sum : w[k]);
        }
    }
    return t;
}

}  // namespace

// Nearest, bilinear or bicubic resampling, channels innermost: each output pixel blends at
// most 4x4 input pixels, found with their weights in per-axis tables.
StageFuncs lower_resize(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    s.output = Func(l.name);
    const ResizeAttrs &r = l.resize;
    const AxisTable tx = axis_table(r, in_shape.w, l.out.w, r.scale_w, r.roi[1], r.roi[3], l.name + "_x");
    const AxisTable ty = axis_table(r, in_shape.h, l.out.h, r.scale_h, r.roi[0], r.roi[2], l.name + "_y");
    // Clamped although the tables hold in-range positions: Halide cannot see into a table, and
    // a position it cannot bound would make it ask for an unbounded input.
    Expr value = 0.0f;
    for (int ky = 0; ky < ty.taps; ky++) {
        const Expr iy = clamp(ty.index(ky, v.y), 0, in_shape.h - 1);
        Expr row = 0.0f;
        for (int kx = 0; kx < tx.taps; kx++) {
            const Expr ix = clamp(tx.index(kx, v.x), 0, in_shape.w - 1);
            const Expr tap = in(v.c, ix, iy);
            row = kx == 0 ? (tx.taps == 1 ? tap : tap * tx.weight(kx, v.x)) : row + tap * tx.weight(kx, v.x);
        }
        value = ky == 0 ? (ty.taps == 1 ? row : row * ty.weight(ky, v.y)) : value + row * ty.weight(ky, v.y);
    }
    if (r.coordinate == ResizeAttrs::TfCropAndResize)
        value = select(tx.inside(v.x) != 0 && ty.inside(v.y) != 0, value, float(r.extrapolation_value));
    s.output(v.c, v.x, v.y) = value;
    return s;
}

}  // namespace netc
