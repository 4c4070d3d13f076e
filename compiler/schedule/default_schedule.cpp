#include "schedule/default_schedule.h"

#include <algorithm>

#include "spec/diagnostic.h"

namespace netc {

using namespace Halide;

namespace {

// Stages of elementwise work on fewer rows than this split their rows (or channels) into
// kChunks parallel chunks instead of running one task per row.
constexpr int kRowsToSplit = 8, kChunks = 8;

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

// A depthwise conv (or what a conv reads per row), row by row: runs of unrolled neighbouring
// pixels, which share input loads, and channel blocks around them, in the order the knob says. Tails shift inwards (recomputing a few
// values) rather than round up, which would read past the input.
void schedule_depthwise_rows(Func f, const StageVars &v, const Shape &out, const TargetInfo &t, const ScheduleParams &p) {
    const int vec = vector_for(out.c, t.vector_floats);
    int run = p.depthwise_pixel_run;
    while (run > out.w) run /= 2;
    run = std::max(run, 1);
    Var co("co"), ci("ci"), xo("xo"), xi("xi");
    f.split(v.c, co, ci, vec, TailStrategy::ShiftInwards).split(v.x, xo, xi, run, TailStrategy::ShiftInwards);
    // Channel blocks outside keep a block's taps in registers along the row but walk memory
    // in strides of a pixel; pixels outside walk it in order (SSD's 19x19x512 layers: -25%).
    if (p.depthwise_pixels_outer) f.reorder(ci, xi, co, xo, v.y);
    else f.reorder(ci, xi, xo, co, v.y);
    if (vec > 1) f.vectorize(ci);
    if (run > 1) f.unroll(xi);
}

// How many chunks of rows to split a conv's parallel channel blocks into: 23 blocks (728
// channels, Xception's middle flow) leave one of 2 cores idle for 1/24 of the stage, one of 4
// for 1/8. The fewest chunks (up to 4) that share the tasks best among 2 and 4 cores; each
// chunk re-reads its block's weights, from L2.
int balanced_row_chunks(int blocks, int rows) {
    int best = 1;
    double best_share = 0;
    for (int chunks = 1; chunks <= std::min(4, rows); chunks++) {
        double share = 1;  // the worst, over 2 and 4 cores, of the useful share of the cores' time
        for (int cores : {2, 4}) {
            const int tasks = blocks * chunks;
            share = std::min(share, double(tasks) / (cores * ((tasks + cores - 1) / cores)));
        }
        if (share > best_share + 1e-9) best = chunks, best_share = share;
    }
    return best;
}
}  // namespace

int register_tile_pixels(const TargetInfo &t, int vectors) {
    // Accumulators: vectors × pixels, leaving registers for the weights and the broadcast input.
    return (t.vector_registers - 4) / vectors / (t.vector_registers > 16 ? 2 : 1);
}

ConvTiling conv_tiling(const Shape &out, int64_t reduction, const TargetInfo &t, const ScheduleParams &p, bool tiles_within_rows) {
    ConvTiling k;
    k.vec = vector_for(out.c, t.vector_floats);
    const int vectors = (k.vec == t.vector_floats && out.c >= 2 * k.vec) ? p.conv_vectors_per_block : 1;
    k.channel_block = k.vec * vectors;
    // Rows outermost reuse a row of input across every channel block, but read all the weights
    // once per row: right while the weights stay in cache. When they do not, channel blocks go
    // outermost if that moves fewer bytes (the input once per channel block instead of the
    // weights once per row): deep layers on small maps, e.g. MobileNetV1's 7x7 layers (4 MiB
    // of weights, 200 KiB of input) and Xception's exit flow (12 MiB of weights on 10x10).
    const int64_t weight_bytes = reduction * out.c * 4, input_bytes = reduction * out.w * out.h * 4;
    const int64_t blocks = out.c / k.channel_block;
    const int64_t budget = int64_t(p.cache_fraction * t.l2_bytes);
    k.blocks_outermost = weight_bytes > budget && blocks >= 2 && blocks * input_bytes < int64_t(out.h) * weight_bytes;
    if (k.blocks_outermost) k.row_chunks = balanced_row_chunks(int((out.c + k.channel_block - 1) / k.channel_block), out.h);
    const int fit = p.conv_tile_pixels > 0 ? p.conv_tile_pixels : register_tile_pixels(t, vectors);
    k.pixels = std::max(1, std::min(out.w, fit));
    // Flat only where it changes the tiles (when they divide the rows, the rows' own tiles are
    // the same ones), and not with chunks of rows. In both cases Halide writes a pixel's
    // place in the sums' buffer in two forms it does not see are equal, so LLVM cannot keep
    // the sums in registers across the reduction and loads and stores them at every step
    // (MobileNetV1's 14x14 convs, AVX-512: 2.2 ms against 0.9; Xception's middle flow,
    // 23 blocks in 4 chunks: 40% of the FMA peak against 95%).
    k.flat = k.blocks_outermost && !tiles_within_rows && out.w % k.pixels != 0 && k.row_chunks == 1;
    if (k.flat) k.pixels = std::min(out.w * out.h, fit);
    return k;
}

int64_t fused_buffer_budget(const TargetInfo &t) { return t.l2_bytes / 2; }

ProducerLevel fused_producer_level(const Shape &conv_out, int channels, const ConvTiling &k, const TargetInfo &t, const ScheduleParams &p) {
    const int64_t budget = fused_buffer_budget(t);
    if (p.fused_producer_rows && !k.blocks_outermost && int64_t(conv_out.w) * channels * 4 <= budget) return ProducerLevel::Row;
    if (int64_t(k.pixels) * channels * 4 <= budget) return ProducerLevel::Tile;
    return ProducerLevel::None;
}

namespace {

int64_t constant_reduction(const RDom &r) {
    int64_t reduction = 1;
    for (int i = 0; i < r.dimensions(); i++) {
        const int64_t *extent = Halide::Internal::as_const_int(r[i].extent());
        reduction *= extent ? *extent : 1;
    }
    return reduction;
}

// The register tile of a convolution: `acc` is computed per (channel block `co`, pixel run
// `xo`) of `out`, whose split this makes; vectors of channels × unrolled pixels accumulate
// over the whole reduction. The caller orders and places `out`'s loops, and says how a row
// the tile does not divide ends (`partial_tile`: a guarded smaller tile, or shifted inwards).
// Flat tiles (k.flat): `acc` is computed per channel block for all its pixels, and its update
// walks them as one sequence in tiles, the last one guarded.
void register_tile(const StageFuncs &s, Func out, const StageVars &v, const ConvTiling &k, Var co, Var ci, Var xo, Var xi,
                   TailStrategy partial_tile) {
    const int vec = k.vec;
    Func acc = s.accumulator;
    // With zero-padded weights every channel block starts aligned, so the last one is guarded
    // rather than shifted inwards (which would start it between two weight blocks).
    const bool padded = s.padded_channels > s.out.c && s.padded_channels % k.channel_block == 0;
    out.split(v.c, co, ci, k.channel_block, padded ? TailStrategy::GuardWithIf : TailStrategy::Auto)
        .split(v.x, xo, xi, k.pixels, partial_tile);
    if (vec > 1) out.vectorize(ci, vec);
    out.unroll(xi);
    if (vec > 1) acc.vectorize(v.c, vec);
    Var cv("cv"), cu("cu"), p("p"), po("po"), pi("pi");
    Stage upd = acc.update();
    if (vec > 1) upd.split(v.c, cu, cv, vec).vectorize(cv).unroll(cu);
    std::vector<VarOrRVar> order;
    if (vec > 1) order = {cv, cu};
    else order = {v.c};
    if (k.flat) {
        // Halide folds a pixel's x and y back into one index (x + width * y) where it can (see
        // conv_tiling), so the unrolled pixels' sums sit at constant offsets and stay in registers.
        upd.fuse(v.x, v.y, p).split(p, po, pi, k.pixels, TailStrategy::GuardWithIf).unroll(pi);
        order.push_back(pi);
    } else {
        acc.unroll(v.x);
        upd.unroll(v.x);
        order.push_back(v.x);
    }
    for (int i = 0; i < s.r.dimensions(); i++) order.push_back(s.r[i]);
    order.push_back(k.flat ? po : v.y);
    upd.reorder(order);
}

// Register-tiled convolution: a block of output channels × a run of pixels accumulates
// in registers over the whole reduction, then the activation is applied on the way out.
// Fused producers (a depthwise conv, a squeeze-excite scale) are computed per row or pixel
// tile, for all their channels, just before the conv's channel blocks read them: they never
// leave the cache. A residual add or activation after the conv is inlined into the output.
// An expand conv feeding the depthwise producer (row_producers) is computed a row at a time
// in a sliding window over a strip of rows; strips run in parallel, each recomputing the
// rows its window needs above its first.
void schedule_reduction(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    const ConvTiling k = conv_tiling(s.out, constant_reduction(s.r), t, p, !s.tile_producers.empty());
    Var co("co"), ci("ci"), xo("xo"), xi("xi");
    Func out = s.output, acc = s.accumulator;
    // A row the tile does not divide ends in a partial tile of its own (guarded; Halide splits
    // it off the loop as a smaller tile), not in a full tile shifted inwards that recomputes
    // pixels of the one before: Xception's 19-pixel rows took 3 tiles of 7, 21 pixels of work
    // (its 1x1 convs at 90% of the FMA peak, 95-97% this way). Except around a sliding window
    // of expand rows, where the guarded tiles came out far slower (MobileNetV1's AVX2 code,
    // block3_pw > block4_dw > block4_pw: 2.35 ms guarded, 1.55 ms shifted).
    const TailStrategy partial_tile = s.row_producers.empty() ? TailStrategy::GuardWithIf : TailStrategy::ShiftInwards;
    register_tile(s, out, v, k, co, ci, xo, xi, partial_tile);
    Var row = v.y;  // the loop a row producer is computed in
    if (!s.row_producers.empty()) {
        // plan_stages never pairs a row producer with channel blocks outermost.
        Var ys("ys"), yi("yi");
        const int strips = std::max(1, std::min(p.expand_strips, s.out.h));
        out.split(v.y, ys, yi, (s.out.h + strips - 1) / strips, TailStrategy::ShiftInwards).reorder(ci, xi, co, xo, yi, ys).parallel(ys);
        acc.compute_at(out, co);
        row = yi;
        for (StageFuncs &e : s.row_producers) {
            const ConvTiling ek = conv_tiling(e.out, constant_reduction(e.r), t, p, true);
            Var eco("eco"), eci("eci"), exo("exo"), exi("exi");
            register_tile(e, e.output, v, ek, eco, eci, exo, exi, partial_tile);
            // Only the window's rows are kept (Halide does not fold this storage by itself: the
            // strip's first row is clamped at the image's edge), a power of two for cheap indexing.
            int fold = 1;
            while (fold < e.window_rows) fold *= 2;
            e.output.reorder(eci, exi, eco, exo, v.y).store_at(out, ys).compute_at(out, yi).fold_storage(v.y, fold);
            e.accumulator.compute_at(e.output, eco);
        }
    } else if (k.blocks_outermost) {
        const int chunks = k.row_chunks;
        if (chunks > 1) {
            // Chunks of rows too, so that 2 or 4 cores get equal shares of the tasks.
            Var yo("yo"), yi("yi"), task("task");
            out.split(v.y, yo, yi, (s.out.h + chunks - 1) / chunks, TailStrategy::GuardWithIf)
                .reorder(ci, xi, xo, yi, yo, co)
                .fuse(yo, co, task)
                .parallel(task);
        } else {
            out.reorder(ci, xi, xo, v.y, co).parallel(co);
        }
        // Flat tiles: the whole map's sums for the channel block; on the stack even beyond
        // 16 KiB (Halide's limit), since LLVM keeps the sums of a tile in registers across the
        // reduction only in a stack buffer.
        if (k.flat) acc.compute_at(out, co).store_in(MemoryType::Stack);
        else acc.compute_at(out, xo);
    } else {
        out.reorder(ci, xi, co, xo, v.y).parallel(v.y);
        acc.compute_at(out, co);
    }
    for (TileProducer &tp : s.tile_producers) {
        // Never ProducerLevel::None here: lower_stage has checked (stage_schedule_problem).
        if (fused_producer_level(s.out, tp.channels, k, t, p) == ProducerLevel::Row) {
            // A row of the producer for a row of the conv: the producer keeps its own loop
            // order, and the row stays in L1/L2.
            tp.func.compute_at(out, row);
            schedule_depthwise_rows(tp.func, v, Shape{1, s.out.w, tp.channels}, t, p);
        } else {
            // Per pixel tile: channel vectors outside the tile's pixels.
            tp.func.compute_at(out, xo);
            const int pv = vector_for(tp.channels, t.vector_floats);
            Var pc("pc"), pci("pci");
            if (pv > 1) tp.func.split(v.c, pc, pci, pv, TailStrategy::ShiftInwards).reorder(pci, v.x, pc, v.y).vectorize(pci);
        }
    }
}

// Dense: each output is a dot product over one contiguous run of weights. The reduction is
// split into vectors of input channels (rfactor): a few outputs at a time each accumulate a
// vector of partial sums while sharing the input vector's load, and are summed across lanes at
// the end. Blocks of outputs run in parallel.
void schedule_dense(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    const int cin = int(*Halide::Internal::as_const_int(s.r[0].extent()));
    const int vec = vector_for(cin, t.vector_floats);
    if (vec == 1) {
        s.accumulator.compute_at(s.output, v.c);
        return;
    }
    constexpr int kOutputs = 8;  // outputs accumulated together: 8 vectors of partial sums
    const int block = std::min(kOutputs, s.out.c);
    Var co("co"), ci("ci"), u("u");
    RVar rco("rco"), rci("rci");
    Func out = s.output, acc = s.accumulator;
    out.split(v.c, co, ci, block, TailStrategy::ShiftInwards);
    if (s.out.c >= p.reduction_parallel_min_vectors * t.vector_floats) out.parallel(co);
    acc.compute_at(out, co);
    Func partial = acc.update().split(s.r[0], rco, rci, vec).rfactor(rci, u);
    partial.reorder_storage(u, v.c).compute_at(out, co).vectorize(u).unroll(v.c);
    partial.update().reorder(u, v.c, rco, s.r[1], s.r[2]).vectorize(u).unroll(v.c);
}

void schedule_vector_reduction(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p) {
    // global pool: output is one pixel; vectorize and split channels across cores.
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
            schedule_depthwise_rows(s.output, v, s.out, t, p);
            s.output.parallel(v.y);
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
        if (s.out.h >= kRowsToSplit) {
            vectorize_channels(s.output, v, s.out.c, t);
            s.output.parallel(v.y);
        } else if (s.out.w == 1) {
            // One pixel of many channels (a detector's flattened heads and their concat):
            // chunks of channels in parallel.
            const int vec = vector_for(s.out.c, t.vector_floats);
            const int chunk = std::min(s.out.c, std::max(4 * vec, (s.out.c / kChunks + vec - 1) / vec * vec));
            Var co("co"), ci("ci");
            s.output.split(v.c, co, ci, chunk, TailStrategy::ShiftInwards).parallel(co);
            if (vec > 1) s.output.vectorize(ci, vec, TailStrategy::ShiftInwards);
        } else {
            vectorize_channels(s.output, v, s.out.c, t);
            Var xo("xo"), xi("xi");
            s.output.split(v.x, xo, xi, std::max(1, s.out.w / kChunks), TailStrategy::ShiftInwards).parallel(xo);
        }
        break;
    case StageKind::GlobalPool:
        schedule_vector_reduction(s, v, t, p);
        break;
    case StageKind::Dense:
        schedule_dense(s, v, t, p);
        break;
    case StageKind::Softmax:
        // Small (one vector of class scores per pixel): computed per row, whole; or, on few
        // rows (a detector's [priors, classes] is one row of 1917), per chunk of a row.
        if (s.reduces_across_pixels) {
            // Along a row or column: each max and sum serves many output rows, so they are
            // computed once, before the output.
            for (Func h : s.helpers) h.compute_root();
            s.output.parallel(v.y);
        } else if (s.out.h >= kRowsToSplit) {
            for (Func h : s.helpers) h.compute_at(s.output, v.y);
            s.output.parallel(v.y);
        } else {
            Var xo("xo"), xi("xi");
            s.output.split(v.x, xo, xi, std::max(1, s.out.w / kChunks), TailStrategy::ShiftInwards).parallel(xo);
            for (Func h : s.helpers) h.compute_at(s.output, xo);
        }
        break;
    }
}

}  // namespace netc
