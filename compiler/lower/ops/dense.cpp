#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_dense(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    const int units = l.out.c;
    // PyTorch's (out, in) with `in` the HWC flattening: as (ci, x, y, co), each output's weights
    // are one contiguous run in the input tensor's own order. A dense layer reads every weight
    // once, so it is bound by memory: the schedule streams these runs (a few outputs at a time,
    // each a sequential stream the prefetcher follows) rather than striding across outputs.
    const Tensor &wt = l.params.at("weight");
    Buffer<float> w(in_shape.c, in_shape.w, in_shape.h, units, l.name + "_weight");
    for (int co = 0; co < units; co++)
        for (int y = 0; y < in_shape.h; y++)
            for (int x = 0; x < in_shape.w; x++)
                for (int ci = 0; ci < in_shape.c; ci++)
                    w(ci, x, y, co) = wt.data[size_t(co) * size_t(in_shape.elements()) + (size_t(y) * in_shape.w + x) * in_shape.c + ci];
    Buffer<float> b(units, l.name + "_bias");
    for (int co = 0; co < units; co++) b(co) = l.bias ? l.params.at("bias").data[size_t(co)] : 0.0f;

    StageFuncs s;
    s.kind = StageKind::Dense;
    s.out = l.out;
    s.r = RDom(0, in_shape.c, 0, in_shape.w, 0, in_shape.h, l.name + "_r");
    s.accumulator = Func(l.name + "_acc");
    s.accumulator(v.c) = b(v.c);
    s.accumulator(v.c) += w(s.r.x, s.r.y, s.r.z, v.c) * in(s.r.x, s.r.y, s.r.z);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = apply_activation(s.accumulator(v.c), l.activation, l.act);
    return s;
}

}  // namespace netc
