#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// add, mul and concat: ops that combine several tensors elementwise.
StageFuncs lower_combine(const Layer &l, const std::vector<Shape> &shapes, const std::vector<Func> &ins, const StageVars &v) {
    StageFuncs s;
    s.kind = StageKind::Elementwise;
    s.out = l.out;
    s.output = Func(l.name);
    switch (l.op) {
    case OpKind::Add:
        s.output(v.c, v.x, v.y) = ins[0](v.c, v.x, v.y) + ins[1](v.c, v.x, v.y);
        break;
    case OpKind::Mul: {
        // A 1x1xC gate scales each channel everywhere (squeeze-excite).
        const bool broadcast = shapes[1].h == 1 && shapes[1].w == 1 && (shapes[0].h != 1 || shapes[0].w != 1);
        Expr gate = broadcast ? ins[1](v.c, 0, 0) : ins[1](v.c, v.x, v.y);
        s.output(v.c, v.x, v.y) = ins[0](v.c, v.x, v.y) * gate;
        break;
    }
    case OpKind::Concat: {
        // Every input is read at a clamped channel, so a vector straddling two inputs
        // stays in bounds; select picks the right one per lane.
        Expr value = ins.back()(clamp(v.c - (l.out.c - shapes.back().c), 0, shapes.back().c - 1), v.x, v.y);
        int offset = l.out.c - shapes.back().c;
        for (size_t k = ins.size() - 1; k-- > 0;) {
            offset -= shapes[k].c;
            value = select(v.c < offset + shapes[k].c, ins[k](clamp(v.c - offset, 0, shapes[k].c - 1), v.x, v.y), value);
        }
        s.output(v.c, v.x, v.y) = value;
        break;
    }
    default: break;
    }
    return s;
}

}  // namespace netc
