#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_depthwise_conv2d(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    const int c = l.out.c;
    const Tensor &wt = l.params.at("weight");  // (c, 1, kh, kw)
    Buffer<float> w(c, l.kernel_w, l.kernel_h, l.name + "_weight");  // (c, kx, ky): channel innermost
    for (int ch = 0; ch < c; ch++)
        for (int ky = 0; ky < l.kernel_h; ky++)
            for (int kx = 0; kx < l.kernel_w; kx++) w(ch, kx, ky) = wt.data[(size_t(ch) * l.kernel_h + ky) * l.kernel_w + kx];
    Buffer<float> b(c, l.name + "_bias");
    for (int ch = 0; ch < c; ch++) b(ch) = l.bias ? l.params.at("bias").data[size_t(ch)] : 0.0f;

    StageFuncs s;
    s.kind = StageKind::Depthwise;
    s.out = l.out;
    Expr src_c = l.multiplier == 1 ? Expr(v.c) : v.c / l.multiplier;
    auto tap = [&](Expr kx, Expr ky) {
        return w(v.c, kx, ky) *
               in(src_c, v.x * l.stride_w + kx * l.dilation_w - l.padding.left, v.y * l.stride_h + ky * l.dilation_h - l.padding.top);
    };
    s.output = Func(l.name);
    if (l.kernel_h * l.kernel_w <= 49) {
        // Small kernels (all of these networks): the taps written out, so each is a
        // constant offset the compiler can schedule freely.
        Expr sum = b(v.c);
        for (int ky = 0; ky < l.kernel_h; ky++)
            for (int kx = 0; kx < l.kernel_w; kx++) sum = sum + tap(kx, ky);
        s.output(v.c, v.x, v.y) = apply_activation(sum, l.activation, l.act);
    } else {
        s.r = RDom(0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
        s.accumulator = Func(l.name + "_acc");
        s.accumulator(v.c, v.x, v.y) = b(v.c);
        s.accumulator(v.c, v.x, v.y) += tap(s.r.x, s.r.y);
        s.output(v.c, v.x, v.y) = apply_activation(s.accumulator(v.c, v.x, v.y), l.activation, l.act);
    }
    return s;
}

}  // namespace netc
