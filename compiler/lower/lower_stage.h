// Layer of the optimised graph → a scheduled Halide Pipeline with one ImageParam per input
// tensor and the output tensor's interior as its output, all shapes fixed by the memory plan.
#pragma once

#include <string>
#include <vector>

#include "lower/memory_plan.h"
#include "lower/stage.h"
#include "schedule/schedule_params.h"
#include "schedule/target.h"

namespace netc {

struct LoweredStage {
    int layer = 0;
    std::string function_name;  // C symbol of the generated function
    StageFuncs funcs;
    std::vector<Halide::ImageParam> inputs;
    Halide::Pipeline pipeline;
    std::vector<Halide::Argument> arguments() const;
};

LoweredStage lower_stage(const Graph &g, const MemoryPlan &plan, int layer, const TargetInfo &target,
                         const std::string &function_name, const ScheduleParams &params = {});

}  // namespace netc
