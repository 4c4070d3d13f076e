// Per-layer output shape, parameters and multiply-accumulates of the unfused graph:
// parameters are the trainable ones (BatchNorm γ/β included, running statistics not),
// counted before folding, as Keras and the papers count them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct LayerCost {
    int layer;
    int64_t params = 0, macs = 0;
};

std::vector<LayerCost> layer_costs(const Graph &g);

// "conv2d+relu6": a layer's op and the activation fused into it, as the tables show it.
std::string op_label(const Layer &l);
std::string summary_table(const Graph &g);  // the text `netc summary` prints
// The compiled stages (the optimised graph, fused as the schedule parameters say): each with
// the layers it holds and absorbed, the size of its tensor in the activation arena, and the
// arena's total (`netc summary --stages`).
std::string stages_table(const Graph &unfused, const TargetInfo &target, const ScheduleParams &params);

}  // namespace netc
