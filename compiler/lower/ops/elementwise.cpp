#include <cmath>

#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// A batchnorm that could not be folded (no conv before it), an affine (a scale and a shift
// per element), or an activation that could not be fused (relu, relu6, hswish, hsigmoid,
// sigmoid, clip, leaky_relu, hard_sigmoid).
StageFuncs lower_elementwise(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    s.output = Func(l.name);
    Expr x = in(v.c, v.x, v.y);
    if (l.op == OpKind::BatchNorm) {
        Buffer<float> scale(in_shape.c, l.name + "_scale"), shift(in_shape.c, l.name + "_shift");
        for (int c = 0; c < in_shape.c; c++) {
            double k = double(l.params.at("gamma").data[size_t(c)]) / std::sqrt(double(l.params.at("var").data[size_t(c)]) + l.epsilon);
            scale(c) = float(k);
            shift(c) = float(l.params.at("beta").data[size_t(c)] - l.params.at("mean").data[size_t(c)] * k);
        }
        s.output(v.c, v.x, v.y) = x * scale(v.c) + shift(v.c);
    } else if (l.op == OpKind::Affine) {
        // (h, w, c) row-major: Halide's dims innermost first are (c, w, h), as the Func's.
        Buffer<float> scale(in_shape.c, in_shape.w, in_shape.h, l.name + "_scale"), shift(in_shape.c, in_shape.w, in_shape.h, l.name + "_shift");
        std::copy(l.params.at("scale").data.begin(), l.params.at("scale").data.end(), scale.data());
        std::copy(l.params.at("shift").data.begin(), l.params.at("shift").data.end(), shift.data());
        s.output(v.c, v.x, v.y) = x * scale(v.c, v.x, v.y) + shift(v.c, v.x, v.y);
    } else {
        s.output(v.c, v.x, v.y) = apply_activation(x, activation_of(l.op), l.act);
    }
    return s;
}

}  // namespace netc
