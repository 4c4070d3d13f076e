// Optimised graph → generated/<model>/<target>/: lib<model>.a (stages + descriptor),
// <model>.h (with netc.h, netc_detect.h), <model>.json (metadata), libnetc_runtime.a and
// libhalide_runtime.a built for the target, <model>_runner (the program emulators and device
// runners execute) and, when this machine is of the target's kind, lib<model>.so (the same,
// loadable, with both runtimes, for `netc run`, `check` and `bench` in process).
// The directory is built under another name beside it and renamed into place whole, its
// metadata (written last) listing every file's size and the inputs' content hash: a compile
// killed at any moment leaves the previous complete directory or none (codegen/output_files.h).
#pragma once

#include <functional>
#include <string>

#include "ir/graph.h"
#include "lower/lower_stage.h"
#include "lower/memory_plan.h"
#include "target/target.h"

namespace netc {

struct CompileOptions {
    std::string target = "host";
    std::string generated_dir = "generated";  // output goes to <generated_dir>/<model>/<target>/
    std::string cc;                            // C compiler for the target; "" = its toolchain's (target.h)
    bool emit_stmt = false;                    // also write each stage's lowered statement (.stmt)
    std::string schedule_file;                 // schedule parameters; "" = the model's tuned file (by fingerprint), else the target's
    std::function<void(const std::string &)> notice;    // a tuned file passed over (schedule_params.h); may be empty
    std::function<void(const std::string &)> progress;  // one line per step; may be empty
};

struct CompileResult {
    std::string dir;             // where the files are
    std::string library, header, metadata, netc_runtime, halide_runtime, runner;
    std::string shared_object;  // "" for a target of another kind of machine
    std::string link_line;      // how an app links it (target/toolchain.h)
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
