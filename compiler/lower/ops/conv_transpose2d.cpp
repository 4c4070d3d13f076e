#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Transposed convolution gathered per output pixel: output (x, y) takes input pixel
// ((x + pad - kx·dilation) / stride, ...) through tap (kx, ky) when that division is exact
// and lands inside the input. The reduction domain's predicate skips the other taps, so a
// stride-s layer does 1/s² of the dense work. Weight layout (in, out/groups, kh, kw).
StageFuncs lower_conv_transpose2d(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    const int in_g = in_shape.c / l.groups, out_g = l.filters / l.groups;
    const Tensor &wt = l.params.at("weight");
    Buffer<float> w(l.kernel_w, l.kernel_h, out_g, in_shape.c, l.name + "_weight");  // dims innermost first: (kx, ky, k, ci)
    std::copy(wt.data.begin(), wt.data.end(), w.data());
    Buffer<float> b(l.filters, l.name + "_bias");
    for (int co = 0; co < l.filters; co++) b(co) = l.bias ? l.params.at("bias").data[size_t(co)] : 0.0f;

    RDom r(0, in_g, 0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
    const Expr nx = v.x + l.padding.left - r.y * l.dilation_w, ny = v.y + l.padding.top - r.z * l.dilation_h;
    const Expr ix = nx / l.stride_w, iy = ny / l.stride_h;  // Halide's division rounds down
    r.where(nx % l.stride_w == 0 && ny % l.stride_h == 0 && ix >= 0 && ix < in_shape.w && iy >= 0 && iy < in_shape.h);
    const Expr group = v.c / out_g, ci = group * in_g + r.x;
    const Expr tap = in(ci, clamp(ix, 0, in_shape.w - 1), clamp(iy, 0, in_shape.h - 1)) * w(r.y, r.z, v.c % out_g, ci);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = apply_activation(b(v.c) + sum(tap), l.activation, l.act);
    return s;
}

}  // namespace netc
