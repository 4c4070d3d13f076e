#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_conv2d(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    const int cout = l.out.c, cin_g = in_shape.c / l.groups, cout_g = cout / l.groups;
    // Repacked from PyTorch's (out, in, kh, kw) to (co, ci, kx, ky): the output channel is
    // innermost so a vector of output channels loads one contiguous weight vector.
    const Tensor &wt = l.params.at("weight");
    Buffer<float> w(cout, cin_g, l.kernel_w, l.kernel_h, l.name + "_weight");
    for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin_g; ci++)
            for (int ky = 0; ky < l.kernel_h; ky++)
                for (int kx = 0; kx < l.kernel_w; kx++)
                    w(co, ci, kx, ky) = wt.data[((size_t(co) * cin_g + ci) * l.kernel_h + ky) * l.kernel_w + kx];
    Buffer<float> b(cout, l.name + "_bias");
    for (int co = 0; co < cout; co++) b(co) = l.bias ? l.params.at("bias").data[size_t(co)] : 0.0f;

    StageFuncs s;
    s.kind = StageKind::Conv;
    s.out = l.out;
    s.r = RDom(0, cin_g, 0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
    Expr ix = v.x * l.stride_w + s.r.y * l.dilation_w - l.padding.left;
    Expr iy = v.y * l.stride_h + s.r.z * l.dilation_h - l.padding.top;
    Expr ci = l.groups == 1 ? Expr(s.r.x) : (v.c / cout_g) * cin_g + s.r.x;
    s.accumulator = Func(l.name + "_acc");
    s.accumulator(v.c, v.x, v.y) = b(v.c);
    s.accumulator(v.c, v.x, v.y) += w(v.c, s.r.x, s.r.y, s.r.z) * in(ci, ix, iy);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = apply_activation(s.accumulator(v.c, v.x, v.y), l.activation);
    return s;
}

}  // namespace netc
