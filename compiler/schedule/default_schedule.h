// The default schedule of each stage kind, derived from the target's vector width and
// register count. Channels are vectorized, rows run in parallel; shapes are known at
// compile time, so every split is chosen to fit its extent (an odd shape is slower, never wrong).
#pragma once

#include "lower/stage.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

// How a convolution is tiled: a register tile of `channel_block` output channels (vectors
// of `vec`) × `pixels` pixels; channel blocks outside the rows when the weights overflow the
// cache (then a fused producer would be recomputed per channel block: plan_stages asks this).
// With channel blocks outermost, tiles may run over the map's pixels as one sequence (`flat`),
// crossing rows: a 7x7 map in tiles of 6 is 8 tiles and a 1-pixel one, where rows of 7 would
// each end in a smaller tile (MobileNetV1's block12_pw, AVX2 code: 70% -> 82% of the FMA
// peak). Only where the tiles do not divide the rows, no row chunks are needed, and no fused
// producer is computed per tile or row, nor the conv itself row by row (`tiles_within_rows`).
struct ConvTiling {
    int vec = 1, channel_block = 1, pixels = 1;
    bool blocks_outermost = false;
    int row_chunks = 1;  // channel blocks outermost: tasks of a block and a chunk of rows (balancing the cores)
    bool flat = false;
};
ConvTiling conv_tiling(const Shape &out, int64_t reduction, const TargetInfo &t, const ScheduleParams &p, bool tiles_within_rows);

// The most pixels a register tile of `vectors` channel vectors holds on this target (what
// conv.tile_pixels 0 means).
int register_tile_pixels(const TargetInfo &t, int vectors);

// Where a layer fused into a conv (`channels` values per pixel) is computed: a row of it per
// row of the conv, a tile per register tile, or nowhere (it cannot be fused). Its buffer must
// stay in cache: at most half of L2. (Beyond 16 KiB Halide 14 puts it on the heap; the
// runtime serves that from each thread's scratch region, runtime/netc_scratch.h.)
enum class ProducerLevel { Row, Tile, None };
ProducerLevel fused_producer_level(const Shape &conv_out, int channels, const ConvTiling &k, const TargetInfo &t, const ScheduleParams &p);

// The bytes a fused layer's buffer may take: half of L2.
int64_t fused_buffer_budget(const TargetInfo &t);

void apply_default_schedule(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p = {});

}  // namespace netc
