#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// A copy that keeps the HWC order of the values: output element (c, x, y) is the input
// element at the same flat index. (Tensors carry halos, so the two layouts differ in memory
// even when the shapes agree on the flat order; the heads it serves are small.)
StageFuncs lower_reshape(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    Expr flat = (v.y * l.out.w + v.x) * l.out.c + v.c;
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = in(flat % in_shape.c, (flat / in_shape.c) % in_shape.w, flat / (in_shape.c * in_shape.w));
    return s;
}

}  // namespace netc
