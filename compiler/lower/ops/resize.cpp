#include <algorithm>
#include <cmath>

#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

namespace {

// Per output position along one axis: the two source positions and the second one's weight
// (nearest: both the same, weight 0). Shapes are static, so these are tables computed once.
struct AxisTable {
    Buffer<int> lo, hi;
    Buffer<float> weight;
};

AxisTable axis_table(const ResizeAttrs &r, int in, int out, double given_scale, const std::string &name) {
    AxisTable t{Buffer<int>(out, name + "_lo"), Buffer<int>(out, name + "_hi"), Buffer<float>(out, name + "_w")};
    const double scale = given_scale > 0 ? given_scale : double(out) / in;
    // ONNX's "length_resized" is input * scale before rounding when scales are given.
    const double length = given_scale > 0 ? in * given_scale : double(out);
    for (int o = 0; o < out; o++) {
        double x = 0;
        switch (r.coordinate) {
        case ResizeAttrs::HalfPixel: x = (o + 0.5) / scale - 0.5; break;
        case ResizeAttrs::PytorchHalfPixel: x = length > 1 ? (o + 0.5) / scale - 0.5 : 0; break;
        case ResizeAttrs::AlignCorners: x = length > 1 ? o * double(in - 1) / (length - 1) : 0; break;
        case ResizeAttrs::Asymmetric: x = o / scale; break;
        }
        int lo, hi;
        float w = 0;
        if (r.mode == ResizeAttrs::Nearest) {
            double i = 0;
            switch (r.nearest) {
            case ResizeAttrs::RoundPreferFloor: i = std::ceil(x - 0.5); break;
            case ResizeAttrs::RoundPreferCeil: i = std::floor(x + 0.5); break;
            case ResizeAttrs::Floor: i = std::floor(x); break;
            case ResizeAttrs::Ceil: i = std::ceil(x); break;
            }
            lo = hi = int(std::min(std::max(i, 0.0), double(in - 1)));
        } else {
            x = std::min(std::max(x, 0.0), double(in - 1));
            lo = int(std::floor(x));
            hi = std::min(lo + 1, in - 1);
            w = float(x - lo);
        }
        t.lo(o) = lo, t.hi(o) = hi, t.weight(o) = w;
    }
    return t;
}

}  // namespace

// Nearest or bilinear resampling, channels innermost: each output pixel reads at most four
// input pixels, found in per-axis tables.
StageFuncs lower_resize(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    s.output = Func(l.name);
    const ResizeAttrs &r = l.resize;
    const AxisTable tx = axis_table(r, in_shape.w, l.out.w, r.scale_w, l.name + "_x");
    const AxisTable ty = axis_table(r, in_shape.h, l.out.h, r.scale_h, l.name + "_y");
    // Clamped although the tables hold in-range positions: Halide cannot see into a table, and
    // a position it cannot bound would make it ask for an unbounded input.
    const Expr x0 = clamp(tx.lo(v.x), 0, in_shape.w - 1), x1 = clamp(tx.hi(v.x), 0, in_shape.w - 1);
    const Expr y0 = clamp(ty.lo(v.y), 0, in_shape.h - 1), y1 = clamp(ty.hi(v.y), 0, in_shape.h - 1);
    if (r.mode == ResizeAttrs::Nearest) {
        s.output(v.c, v.x, v.y) = in(v.c, x0, y0);
        return s;
    }
    const Expr wx = tx.weight(v.x), wy = ty.weight(v.y);
    const Expr top = in(v.c, x0, y0) * (1.0f - wx) + in(v.c, x1, y0) * wx;
    const Expr bottom = in(v.c, x0, y1) * (1.0f - wx) + in(v.c, x1, y1) * wx;
    s.output(v.c, v.x, v.y) = top * (1.0f - wy) + bottom * wy;
    return s;
}

}  // namespace netc
