// Times one stage of a model through Halide's JIT, on buffers shaped as the memory plan
// says (inputs filled with seeded values), as `netc tune` compares schedules stage by stage
// without compiling and linking a whole library per candidate.
#pragma once

#include "lower/memory_plan.h"
#include "schedule/plan_stages.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

// Median milliseconds of `runs` calls after a warm-up, less the JIT's own per-call cost (an
// empty pipeline's median), which the generated library does not pay. The thread count is
// Halide's (HL_NUM_THREADS, read when the first pipeline runs).
double time_stage_ms(const Graph &opt, const MemoryPlan &plan, const StageGroup &stage, const TargetInfo &target,
                     const ScheduleParams &params, int runs);

}  // namespace netc
