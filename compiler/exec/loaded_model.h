// A compiled model's lib<model>.so, loaded into this process to run the generated code
// (`netc run`, `netc check`, tests). The .so carries its own netc and Halide runtimes.
#pragma once

#include <string>
#include <vector>

#include "exec/compiled_model.h"
#include "netc.h"

namespace netc {

class LoadedModel : public CompiledModel {
public:
    // `dir` is generated/<model>/<target>; `model` the model's name.
    LoadedModel(const std::string &dir, const std::string &model);
    ~LoadedModel() override;
    LoadedModel(const LoadedModel &) = delete;
    LoadedModel &operator=(const LoadedModel &) = delete;

    std::vector<std::vector<float>> run(const std::vector<float> &input) override;
    std::vector<double> time_runs(const std::vector<float> &input, int warmup, int runs) override;
    std::vector<std::vector<double>> stage_time_runs(const std::vector<float> &input, int warmup, int runs) override;
    std::vector<std::string> stage_names() override;
    void set_threads(int n) override;
    std::string halide_target() override;
    int batch() override;
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
