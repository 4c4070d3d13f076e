#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_dense(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    const int units = l.out.c;
    // PyTorch's (out, in) with `in` the HWC flattening, repacked to (co, ci, x, y) so the
    // reduction walks the input tensor in its own layout and output channels are innermost.
    const Tensor &wt = l.params.at("weight");
    Buffer<float> w(units, in_shape.c, in_shape.w, in_shape.h, l.name + "_weight");
    for (int co = 0; co < units; co++)
        for (int y = 0; y < in_shape.h; y++)
            for (int x = 0; x < in_shape.w; x++)
                for (int ci = 0; ci < in_shape.c; ci++)
                    w(co, ci, x, y) = wt.data[size_t(co) * size_t(in_shape.elements()) + (size_t(y) * in_shape.w + x) * in_shape.c + ci];
    Buffer<float> b(units, l.name + "_bias");
    for (int co = 0; co < units; co++) b(co) = l.bias ? l.params.at("bias").data[size_t(co)] : 0.0f;

    StageFuncs s;
    s.kind = StageKind::Dense;
    s.out = l.out;
    s.r = RDom(0, in_shape.c, 0, in_shape.w, 0, in_shape.h, l.name + "_r");
    s.accumulator = Func(l.name + "_acc");
    s.accumulator(v.c) = b(v.c);
    s.accumulator(v.c) += w(v.c, s.r.x, s.r.y, s.r.z) * in(s.r.x, s.r.y, s.r.z);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = apply_activation(s.accumulator(v.c), l.activation);
    return s;
}

}  // namespace netc
