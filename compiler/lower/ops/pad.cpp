#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Spatial padding: reads clamped to the input, then the constant outside it (constant mode),
// or the clamped pixel itself (edge), or the pixel mirrored about the edge (reflect).
StageFuncs lower_pad(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    s.output = Func(l.name);
    const Expr x = v.x - l.padding.left, y = v.y - l.padding.top;
    auto mirror = [](Expr i, int n) { return clamp(select(i < 0, -i, i >= n, 2 * (n - 1) - i, i), 0, n - 1); };
    switch (l.pad_mode) {
    case PadMode::Constant: {
        const Expr inside = x >= 0 && x < in_shape.w && y >= 0 && y < in_shape.h;
        s.output(v.c, v.x, v.y) = select(inside, in(v.c, clamp(x, 0, in_shape.w - 1), clamp(y, 0, in_shape.h - 1)), l.pad_value);
        break;
    }
    case PadMode::Edge: s.output(v.c, v.x, v.y) = in(v.c, clamp(x, 0, in_shape.w - 1), clamp(y, 0, in_shape.h - 1)); break;
    case PadMode::Reflect: s.output(v.c, v.x, v.y) = in(v.c, mirror(x, in_shape.w), mirror(y, in_shape.h)); break;
    }
    return s;
}

}  // namespace netc
