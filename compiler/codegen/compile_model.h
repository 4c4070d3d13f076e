// Optimised graph → generated/<model>/<target>/: lib<model>.a (stages + descriptor),
// <model>.h, <model>.json (metadata), lib<model>.so (the same, loadable, with both runtimes,
// for `netc run` and `netc check`), and libhalide_runtime.a for the target.
#pragma once

#include <functional>
#include <string>

#include "ir/graph.h"
#include "lower/lower_stage.h"
#include "lower/memory_plan.h"
#include "schedule/target.h"

namespace netc {

struct CompileOptions {
    std::string target = "host";
    std::string generated_dir = "generated";  // output goes to <generated_dir>/<model>/<target>/
    std::string cc = "cc";                     // compiles the descriptor and links the .so
    bool emit_stmt = false;                    // also write each stage's lowered statement (.stmt)
    std::string schedule_file;                 // schedule parameters; "" = schedules/<target>.json if there is one
    std::function<void(const std::string &)> progress;  // one line per step; may be empty
};

struct CompileResult {
    std::string dir;             // where the files are
    std::string library, header, metadata, shared_object, halide_runtime;
    TargetInfo target;
    double seconds = 0;
    int stages = 0;
    int64_t weight_bytes = 0, arena_bytes = 0;
    int64_t scratch_bytes = 0;  // per thread: the largest stage's heap temporaries (runtime/netc_scratch.h)
};

// `unfused` is what load_model returns; it is optimised here.
CompileResult compile_model(const Graph &unfused, const CompileOptions &options);

// C source of the descriptor the runtime reads (see runtime/netc_model.h).
std::string descriptor_source(const Graph &g, const MemoryPlan &plan, int64_t scratch_bytes, const std::vector<LoweredStage> &stages,
                              const TargetInfo &target);

}  // namespace netc
