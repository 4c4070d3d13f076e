// A compiled model's lib<model>.so, loaded into this process to run the generated code
// (`netc run`, `netc check`, tests). The .so carries its own netc and Halide runtimes.
#pragma once

#include <string>
#include <vector>

#include "netc.h"

namespace netc {

class LoadedModel {
public:
    // `dir` is generated/<model>/<target>; `model` the model's name.
    LoadedModel(const std::string &dir, const std::string &model);
    ~LoadedModel();
    LoadedModel(const LoadedModel &) = delete;
    LoadedModel &operator=(const LoadedModel &) = delete;

    // Input: normalised float32 HWC. Returns one vector per output, in the model's order.
    std::vector<std::vector<float>> run(const std::vector<float> &input);
    // Milliseconds of each of `runs` calls of netc_run on `input` (tensors prepared once, so
    // only the runtime's work is timed: input copy, stages, output copy).
    std::vector<double> time_runs(const std::vector<float> &input, int runs);
    // Mean milliseconds per stage over `runs` runs (the runtime's profiling; includes its
    // per-stage clock reads, so their sum is a little above a plain run's time).
    std::vector<double> stage_times(const std::vector<float> &input, int runs);
    std::vector<std::string> stage_names() const;
    void set_threads(int n);
    std::string target() const;  // the Halide target it was compiled for
    const netc_model *model() const { return model_; }

private:
    struct Call;
    Call prepare(const std::vector<float> &input, std::vector<std::vector<float>> &outs) const;
    void call(Call &c);

    void *handle_ = nullptr;
    const netc_model *model_ = nullptr;
    netc_session *session_ = nullptr;
    struct Api;
    Api *api_ = nullptr;
};

}  // namespace netc
