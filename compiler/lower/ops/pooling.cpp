#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_global_avgpool(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::GlobalPool;
    s.out = l.out;
    s.r = RDom(0, in_shape.w, 0, in_shape.h, l.name + "_r");
    s.accumulator = Func(l.name + "_sum");
    s.accumulator(v.c) = 0.0f;
    s.accumulator(v.c) += in(v.c, s.r.x, s.r.y);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = s.accumulator(v.c) * (1.0f / float(in_shape.w * in_shape.h));
    return s;
}

StageFuncs lower_avgpool(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Pool;
    s.out = l.out;
    s.r = RDom(0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
    Expr x0 = v.x * l.stride_w - l.padding.left, y0 = v.y * l.stride_h - l.padding.top;
    s.accumulator = Func(l.name + "_sum");
    s.accumulator(v.c, v.x, v.y) = 0.0f;
    s.accumulator(v.c, v.x, v.y) += in(v.c, x0 + s.r.x, y0 + s.r.y);
    // Padding is excluded from the average (TensorFlow): divide by the taps inside the input.
    Expr count = (min(x0 + l.kernel_w, in_shape.w) - max(x0, 0)) * (min(y0 + l.kernel_h, in_shape.h) - max(y0, 0));
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = s.accumulator(v.c, v.x, v.y) / cast<float>(count);
    return s;
}

StageFuncs lower_maxpool(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Pool;
    s.out = l.out;
    s.r = RDom(0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
    // Reads are clamped to the input instead of seeing the zero halo: a clamped tap lands on
    // the window's first or last in-bounds pixel (pads are smaller than the kernel), which the
    // window holds anyway, so the max is that of the in-bounds taps, as with -inf padding.
    Expr ix = clamp(v.x * l.stride_w - l.padding.left + s.r.x, 0, in_shape.w - 1);
    Expr iy = clamp(v.y * l.stride_h - l.padding.top + s.r.y, 0, in_shape.h - 1);
    s.accumulator = Func(l.name + "_max");
    s.accumulator(v.c, v.x, v.y) = Float(32).min();
    s.accumulator(v.c, v.x, v.y) = max(s.accumulator(v.c, v.x, v.y), in(v.c, ix, iy));
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = s.accumulator(v.c, v.x, v.y);
    return s;
}

}  // namespace netc
