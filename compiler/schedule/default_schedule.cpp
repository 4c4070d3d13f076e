#include "schedule/default_schedule.h"

#include <algorithm>

namespace netc {

using namespace Halide;

namespace {

// The widest vector (natural width, or a power-of-two fraction of it) that fits `extent`;
// 1 means scalar code.
int vector_for(int extent, int natural) {
    for (int w = natural; w >= 4; w /= 2)
        if (extent >= w) return w;
    return 1;
}

void vectorize_channels(Func f, const StageVars &v, int channels, const TargetInfo &t) {
    int w = vector_for(channels, t.vector_floats);
    if (w > 1) f.vectorize(v.c, w);
}

// Register-tiled convolution: a block of output channels × a run of pixels accumulates
// in registers over the whole reduction, then the activation is applied on the way out.
void schedule_reduction(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    const int vec = vector_for(s.out.c, t.vector_floats);
    const int vectors = (vec == t.vector_floats && s.out.c >= 2 * vec) ? p.conv_vectors_per_block : 1;
    const int cb = vec * vectors;
    // Accumulators: vectors × pixels, leaving registers for the weights and the broadcast input.
    const int fit = (t.vector_registers - 4) / vectors / (t.vector_registers > 16 ? 2 : 1);
    const int pixels = std::max(1, std::min(s.out.w, p.conv_tile_pixels > 0 ? p.conv_tile_pixels : fit));
    Var co("co"), ci("ci"), xo("xo"), xi("xi");
    Func out = s.output, acc = s.accumulator;
    out.split(v.c, co, ci, cb).split(v.x, xo, xi, pixels);
    // Rows outermost reuse a row of input across every channel block, but read all the weights
    // once per row: right while the weights stay in cache. When they do not, channel blocks go
    // outermost if that moves fewer bytes (the input once per channel block instead of the
    // weights once per row): deep layers on small maps, e.g. MobileNetV1's 7x7 layers (4 MiB
    // of weights, 200 KiB of input) and Xception's exit flow (12 MiB of weights on 10x10).
    int64_t reduction = 1;
    for (int i = 0; i < s.r.dimensions(); i++) {
        const int64_t *extent = Halide::Internal::as_const_int(s.r[i].extent());
        reduction *= extent ? *extent : 1;
    }
    const int64_t weight_bytes = reduction * s.out.c * 4, input_bytes = reduction * s.out.w * s.out.h * 4;
    const int64_t blocks = s.out.c / cb;
    // The accumulator lives at the register tile: one block of channels x a run of pixels.
    const int64_t budget = int64_t(p.cache_fraction * t.l2_bytes);
    if (weight_bytes > budget && blocks >= 2 && blocks * input_bytes < int64_t(s.out.h) * weight_bytes) {
        out.reorder(ci, xi, xo, v.y, co).parallel(co);
        acc.compute_at(out, xo);
    } else {
        out.reorder(ci, xi, co, xo, v.y).parallel(v.y);
        acc.compute_at(out, co);
    }
    if (vec > 1) out.vectorize(ci, vec);
    out.unroll(xi);
    if (vec > 1) acc.vectorize(v.c, vec);
    acc.unroll(v.x);
    Var cv("cv"), cu("cu");
    Stage upd = acc.update();
    if (vec > 1) upd.split(v.c, cu, cv, vec).vectorize(cv).unroll(cu);
    upd.unroll(v.x);
    std::vector<VarOrRVar> order;
    if (vec > 1) order = {cv, cu, v.x};
    else order = {v.c, v.x};
    for (int i = 0; i < s.r.dimensions(); i++) order.push_back(s.r[i]);
    order.push_back(v.y);
    upd.reorder(order);
}

void schedule_vector_reduction(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    // global pool and dense: output is one pixel; vectorize and split channels across cores.
    const int vec = vector_for(s.out.c, t.vector_floats);
    Var co("co"), ci("ci");
    Func out = s.output, acc = s.accumulator;
    if (vec > 1) {
        out.split(v.c, co, ci, vec).vectorize(ci);
        if (s.out.c >= p.reduction_parallel_min_vectors * vec) out.parallel(co);
        acc.compute_at(out, co).vectorize(v.c, vec);
        acc.update().vectorize(v.c, vec);
    } else {
        acc.compute_at(out, v.c);
    }
}

}  // namespace

void apply_default_schedule(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    switch (s.kind) {
    case StageKind::Conv:
        schedule_reduction(s, v, t, p);
        break;
    case StageKind::Depthwise:
        if (s.accumulator.defined()) {
            schedule_reduction(s, v, t, p);
        } else {
            // Channel blocks outside a run of pixels: the block's taps (kh x kw vectors) stay in
            // registers along the row, and unrolled neighbouring pixels share input loads.
            const int vec = vector_for(s.out.c, t.vector_floats);
            int run = p.depthwise_pixel_run;
            while (run > s.out.w) run /= 2;
            run = std::max(run, 1);
            Var co("co"), ci("ci"), xo("xo"), xi("xi");
            s.output.split(v.c, co, ci, vec).split(v.x, xo, xi, run).reorder(ci, xi, xo, co, v.y).parallel(v.y);
            if (vec > 1) s.output.vectorize(ci);
            if (run > 1) s.output.unroll(xi);
        }
        break;
    case StageKind::Pool: {
        // The window sum is computed one output vector at a time, so its region is exactly
        // the vector and never reads channels past the end.
        const int vec = vector_for(s.out.c, t.vector_floats);
        Var co("co"), ci("ci");
        s.output.split(v.c, co, ci, vec).parallel(v.y);
        s.accumulator.compute_at(s.output, co);
        if (vec > 1) {
            s.output.vectorize(ci);
            s.accumulator.vectorize(v.c);
            s.accumulator.update().vectorize(v.c);
        }
        break;
    }
    case StageKind::Elementwise:
        vectorize_channels(s.output, v, s.out.c, t);
        s.output.parallel(v.y);
        break;
    case StageKind::GlobalPool:
    case StageKind::Dense:
        schedule_vector_reduction(s, v, t, p);
        break;
    case StageKind::Softmax:
        // Small (one vector of class scores per pixel): computed per row, whole.
        for (Func h : s.helpers) h.compute_at(s.output, v.y);
        s.output.parallel(v.y);
        break;
    }
}

}  // namespace netc
