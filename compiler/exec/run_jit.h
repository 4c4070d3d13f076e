// Runs an optimised graph's stages through Halide's JIT: no AOT library, no runtime. Each
// tensor that reaches memory lives in its own zero-filled buffer with the memory plan's halo, exactly as the
// generated code sees the arena. For tests (lowering cases, ONNX node tests) that check the
// lowering without paying for a static library and a link per case.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "ir/graph.h"
#include "lower/memory_plan.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct JitRun {
    std::vector<std::vector<float>> outputs;  // one per graph output, HWC
    std::vector<std::string> written_halos;   // tensors whose zero halo a stage wrote (a lowering bug)
};

// A tensor's buffer as the generated code sees it in the arena: full extents (the halo at
// negative coordinates and past the end), all zero.
Halide::Buffer<float> tensor_buffer(const TensorPlan &t);

// Throws CompileError if a stage fails to lower or run.
JitRun run_jit(const Graph &opt, const StagePlan &stages, const MemoryPlan &plan, const std::vector<float> &input,
               const TargetInfo &target, const ScheduleParams &params = {});

}  // namespace netc
