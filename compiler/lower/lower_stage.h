// A stage of the optimised graph (one layer, or several fused: schedule/plan_stages.h) → a
// scheduled Halide Pipeline with one ImageParam per tensor it reads from memory and its
// output tensor's interior as its output, all shapes fixed by the memory plan.
#pragma once

#include <string>
#include <vector>

#include "lower/memory_plan.h"
#include "lower/stage.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct LoweredStage {
    StageGroup group;
    std::vector<int> input_tensors;  // the layer whose tensor each of `inputs` reads
    std::string function_name;  // C symbol of the generated function
    StageFuncs funcs;
    std::vector<Halide::ImageParam> inputs;
    Halide::Pipeline pipeline;
    std::string autoschedule_source;  // the schedule a Halide autoscheduler chose (ScheduleParams::autoscheduler), as C++
    std::vector<Halide::Argument> arguments() const;
};

LoweredStage lower_stage(const Graph &g, const MemoryPlan &plan, const StageGroup &group, const TargetInfo &target,
                         const std::string &function_name, const ScheduleParams &params = {});

}  // namespace netc
