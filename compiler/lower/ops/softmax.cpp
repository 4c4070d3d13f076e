#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Over channels at each pixel; the max is subtracted first so exp cannot overflow.
StageFuncs lower_softmax(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Softmax;
    s.out = l.out;
    s.r = RDom(0, in_shape.c, l.name + "_r");
    Func mx(l.name + "_max"), e(l.name + "_exp"), sum(l.name + "_sum");
    mx(v.x, v.y) = maximum(in(s.r, v.x, v.y));
    e(v.c, v.x, v.y) = exp(in(v.c, v.x, v.y) - mx(v.x, v.y));
    sum(v.x, v.y) = 0.0f;
    sum(v.x, v.y) += e(s.r, v.x, v.y);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = e(v.c, v.x, v.y) / sum(v.x, v.y);
    s.helpers = {mx, e, sum};
    return s;
}

}  // namespace netc
