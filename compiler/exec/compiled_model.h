// A model netc compiled, ready to run on its target: in this process (LoadedModel, the .so
// loaded) or on a device or emulator through the target's executor (DeviceModel, the
// <model>_runner program). `netc run`, `check` and `bench` see only this.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "target/target.h"

namespace netc {

class CompiledModel {
public:
    virtual ~CompiledModel() = default;
    // Input: normalised float32 HWC, one item or batch() of them one after the other (one item
    // is repeated for every item of the batch). Returns one vector per output, in the model's
    // order, batch() items of HWC: whatever layout the C API was compiled with.
    virtual std::vector<std::vector<float>> run(const std::vector<float> &input) = 0;
    virtual int batch() = 0;  // items per netc_run (`netc compile --batch`)
    // Milliseconds of each of `runs` calls of netc_run on `input`, after `warmup` untimed ones
    // (tensors prepared once, so only the runtime's work is timed).
    virtual std::vector<double> time_runs(const std::vector<float> &input, int warmup, int runs) = 0;
    // Mean milliseconds per stage over `runs` runs (the runtime's profiling; includes its
    // per-stage clock reads, so their sum is a little above a plain run's time): the means of
    // stage_time_runs.
    std::vector<double> stage_times(const std::vector<float> &input, int runs);
    // Each stage's milliseconds in each of `runs` runs after `warmup` untimed ones: [stage][run]
    // (what the tuner takes medians and spreads of).
    virtual std::vector<std::vector<double>> stage_time_runs(const std::vector<float> &input, int warmup, int runs) = 0;
    virtual std::vector<std::string> stage_names() = 0;
    virtual void set_threads(int n) = 0;  // 0: one per CPU the process may use (on the device)
    virtual std::string halide_target() = 0;  // what it was compiled for, as the library says
};

// generated/<model>/<target>/, where `netc compile --target` wrote `g` for `t`.
std::string compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t);

// compiled_dir, once it is complete and holds `g` compiled for `t`; else a CompileError naming
// the directory and the command that recompiles it: not compiled; incomplete (no metadata, a
// file it lists missing or of another size); compiled for another target, by another netc
// version, or from another spec or weights (the metadata's content_hash against
// model_content_hash(g), codegen/output_files.h). Reads the spec and weights files again to
// hash them: once per load, nothing per inference.
std::string checked_compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t);

// Opens what `netc compile` wrote for `g` and `t` under `generated_dir`, with t's executor.
// Refuses what checked_compiled_dir refuses.
std::unique_ptr<CompiledModel> open_compiled_model(const std::string &generated_dir, const Graph &g, const TargetInfo &t);

}  // namespace netc
