// `netc tune`'s per-stage search: with the fusion chosen, each stage is timed with the
// template's knobs at a few other values (the conv's register tile: channel vectors × pixels;
// the depthwise pixel run), and keeps the fastest when it beats the default by more than the
// noise margin. The choices go to ScheduleParams::stages.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct StageTuning {
    std::string stage;
    std::string chosen;  // "default" or the knob values, e.g. "conv 1 vector x 8 px"
    double default_ms = 0, best_ms = 0;
};

// Updates params.stages; returns one entry per stage timed.
std::vector<StageTuning> tune_stage_knobs(const Graph &opt, const TargetInfo &target, ScheduleParams &params, int runs,
                                          const std::function<void(const std::string &)> &progress);

}  // namespace netc
