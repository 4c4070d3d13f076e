#include <functional>

#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Along the channels of each pixel, or along the width or height of each channel; the max is
// subtracted first so exp cannot overflow.
StageFuncs lower_softmax(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Softmax;
    s.out = l.out;
    // The dimensions the max and the sum are indexed by (the two not reduced), and a read of f
    // with the reduced one at k.
    std::vector<Expr> kept;
    std::function<Expr(Func, Expr)> along;
    int n = 0;
    switch (l.softmax_axis) {
    case SoftmaxAxis::Channels:
        kept = {v.x, v.y}, n = in_shape.c;
        along = [&](Func f, Expr k) { return f(k, v.x, v.y); };
        break;
    case SoftmaxAxis::Width:
        kept = {v.c, v.y}, n = in_shape.w;
        along = [&](Func f, Expr k) { return f(v.c, k, v.y); };
        break;
    case SoftmaxAxis::Height:
        kept = {v.c, v.x}, n = in_shape.h;
        along = [&](Func f, Expr k) { return f(v.c, v.x, k); };
        break;
    }
    s.r = RDom(0, n, l.name + "_r");
    Func mx(l.name + "_max"), e(l.name + "_exp"), sum(l.name + "_sum");
    mx(kept) = maximum(along(in, s.r));
    e(v.c, v.x, v.y) = exp(in(v.c, v.x, v.y) - mx(kept));
    sum(kept) = 0.0f;
    sum(kept) += along(e, s.r);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = e(v.c, v.x, v.y) / sum(kept);
    s.helpers = {mx, e, sum};
    // Along a row or column, one max and sum serve many output rows (default_schedule.cpp).
    s.reduces_across_pixels = l.softmax_axis != SoftmaxAxis::Channels;
    return s;
}

}  // namespace netc
