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

// How the C API takes and gives tensors (runtime/netc.h, netc_tensor_info): channels last or
// first, and how many items one netc_run computes. Nothing inside the pipeline changes: the
// runtime transposes while copying in and out, and runs the stages once per item.
struct CApiLayout {
    bool nchw = false;  // images as {N, C, H, W} (PyTorch's and ONNX's order) instead of {H, W, C}
    int batch = 1;
    // The outputs' names as the model gives them (the unoptimised graph's: a relu output fused
    // into its conv is still called by the relu's name, an ONNX output by its ONNX name).
    std::vector<std::string> output_names;
    bool leading_batch() const { return nchw || batch > 1; }
};

struct CompileOptions {
    std::string target = "host";
    std::string generated_dir = "generated";  // output goes to <generated_dir>/<model>/<target>/
    std::string cc;                            // C compiler for the target; "" = its toolchain's (target.h)
    bool emit_stmt = false;                    // also write each stage's lowered statement (.stmt)
    std::string schedule_file;                 // schedule parameters; "" = the model's tuned file (by fingerprint), else the target's
    bool nchw = false;                         // the C API's images channels first (CApiLayout)
    int batch = 0;                             // items per netc_run; 0 = the batch the model declares (1 for a spec)
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
                              const TargetInfo &target, const CApiLayout &api);

// Whether the C API gives io tensor `layer` channels first under api.nchw: images (more than
// one pixel) that the model file declares NCHW, or, for a spec, that no reshape made row-major.
bool c_api_transposes(const Graph &g, int layer, const DeclaredTensor &declared, const CApiLayout &api);
// The shape an app passes for io tensor `layer` (netc_tensor_info.shape).
std::vector<int64_t> c_api_shape(const Graph &g, int layer, const DeclaredTensor &declared, const CApiLayout &api);

}  // namespace netc
