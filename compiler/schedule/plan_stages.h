// Which layers of the optimised graph run together in one compiled stage. A fused stage is
// a run of consecutive layers, each feeding only the next, around at most one reduction:
//   - a depthwise conv or squeeze-excite scale feeding a pointwise (1x1) conv is computed
//     per pixel tile inside the conv's loops (its output never reaches memory);
//   - an activation or batchnorm left standalone is inlined into the layer reading it;
//   - a residual add (or activation) after a conv is applied as the conv's values leave
//     the registers;
//   - a 1x1 conv (an inverted residual's expand conv; in MobileNetV1, a block's pointwise conv)
//     is computed row by row for the depthwise conv after it, in a sliding window, when that
//     depthwise conv is itself fused into the 1x1 conv after it: the one case of two
//     convolutions in one stage.
// Whether each such boundary is fused is a schedule parameter (ScheduleParams::fusion,
// per layer), because fusion pays only when the intermediate would leave the cache.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/default_schedule.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct StageGroup {
    std::vector<int> layers;  // consecutive layer indices; the last one's tensor is the stage's output
    int output() const { return layers.back(); }
};

struct StagePlan {
    std::vector<StageGroup> stages;  // in execution order
    std::vector<int> stage_of;       // per layer (the input layer: -1)
    // Is layer i's tensor written to memory? (No for a layer fused into a later one.)
    bool materialized(int layer) const;
};

// How a layer can join the layer after it, if it can at all.
enum class FusionKind {
    None,
    Tile,      // computed per pixel tile of the pointwise conv that reads it
    Inline,    // recomputed wherever it is read (cheap elementwise)
    Epilogue,  // the conv's output goes straight into the elementwise layer after it
    Rows,      // a 1x1 conv computed a row at a time for the depthwise conv reading it
};
const char *fusion_kind_name(FusionKind k);

// Could layer `producer` be fused into layer producer + 1 (ignoring the schedule's choice)?
FusionKind fusion_kind(const Graph &g, int producer);

// Every layer its own stage.
StagePlan unfused_stages(const Graph &g);

// The stages the schedule parameters choose: per boundary, the file's per-layer choice if it
// has one, else its mode ("auto": fuse unless the conv reading a tile producer keeps its
// channel blocks outermost, which would recompute the producer per block; an expand conv
// only when a tuned file says so, since it recomputes rows at every strip's edge). A per-layer choice
// naming no layer of the graph, or a boundary that cannot be fused, is an error naming the
// schedule file and the layer.
StagePlan plan_stages(const Graph &g, const TargetInfo &t, const ScheduleParams &p);

// Why `layer` cannot be fused into the layer after it, given the choices `p` makes for the
// layers before it ("" if it can): what `netc tune` asks before timing a boundary.
std::string fusion_blocker(const Graph &g, const TargetInfo &t, const ScheduleParams &p, int layer);

// Why stage `s` cannot be scheduled with knobs `p` (its own: ScheduleParams::for_stage), or ""
// if it can: the layer fused into its conv must still fit the stack with the conv's register
// tile. lower_stage fails with this; `netc tune` skips such candidates.
std::string stage_schedule_problem(const Graph &g, const StageGroup &s, const TargetInfo &t, const ScheduleParams &p);

// How the conv at position `k` of stage `s` is tiled (a layer before it in the stage is
// computed per tile or row inside it).
ConvTiling stage_conv_tiling(const Graph &g, const StageGroup &s, size_t k, const TargetInfo &t, const ScheduleParams &p);

// The layers of stage `s` the per-stage knobs (StageKnobs) act on, as positions in s.layers:
// its last conv (the register tile) and its last depthwise conv with a kernel of at most 7x7
// (the unrolled pixel run); -1 where it has none. A stage with neither has nothing to tune.
struct TunableLayers {
    int conv = -1, depthwise = -1;
    bool any() const { return conv >= 0 || depthwise >= 0; }
};
TunableLayers tunable_layers(const Graph &g, const StageGroup &s);

// The stage's name in the runtime and in profiles: its output layer's name.
const std::string &stage_name(const Graph &g, const StageGroup &s);

}  // namespace netc
