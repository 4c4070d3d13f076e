// `netc tune`'s fusion search: every boundary that can be fused is timed both ways on this
// machine, one at a time in graph order (each decision made with the earlier ones in place),
// and kept fused only if that was faster. The result is a schedule whose per-layer fusion
// choices are all measured (ScheduleParams::fuse_layers).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/plan_stages.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct BoundaryTiming {
    std::string layer, next;  // `layer` fused (or not) into `next`
    FusionKind kind = FusionKind::None;
    double fused_ms = 0, unfused_ms = 0;  // the stages that differ, summed
    bool fused = false;
};

struct FusionTuning {
    ScheduleParams params;  // `base` with every boundary's choice in fuse_layers
    std::vector<BoundaryTiming> boundaries;
};

FusionTuning tune_fusion(const Graph &opt, const TargetInfo &target, const ScheduleParams &base, int runs,
                         const std::function<void(const std::string &)> &progress);

}  // namespace netc
