// A stage: one layer of the optimised graph (with its folded BatchNorm and fused
// activation), or several fused ones (schedule/plan_stages.h), lowered to Halide Funcs over
// (c, x, y), channels innermost.
// The op files in lower/ops/ write the algorithm; schedule/ decides loops and vectors.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "ir/graph.h"

namespace netc {

enum class StageKind { Conv, Depthwise, Elementwise, GlobalPool, Pool, Dense, Softmax };
const char *stage_kind_name(StageKind k);

// The dimension names every stage shares, so schedules can refer to them.
struct StageVars {
    Halide::Var c{"c"}, x{"x"}, y{"y"};
};

// A layer fused into a convolution's stage and computed per pixel tile of it (a depthwise
// conv, a squeeze-excite scale): `channels` of it are read by every output pixel.
struct TileProducer {
    Halide::Func func;
    int channels = 0;
};

struct StageFuncs {
    StageKind kind;
    Halide::Func output;       // (c, x, y)
    Halide::Func accumulator;  // reductions: the Func whose update sums over `r` (undefined otherwise)
    Halide::RDom r;
    std::vector<Halide::Func> helpers;  // softmax's max and sum
    bool reduces_across_pixels = false; // softmax along width or height: a helper value serves a whole row or column
    std::vector<TileProducer> tile_producers;  // fused stages only
    // An expand (1x1) conv computed a row at a time, in a sliding window, for the tile
    // producer (a depthwise conv) reading it: at most one.
    std::vector<StageFuncs> row_producers;
    int window_rows = 0;       // a row producer: the rows of it its reader needs at once (the depthwise kernel's height)
    Shape out;                 // output extents, known at compile time
    int padded_channels = 0;   // the accumulator may be computed up to this many channels (zero weights past out.c)
};

}  // namespace netc
