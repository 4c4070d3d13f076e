// A compiled model run through its target's executor (qemu-user, or a user's runner that
// takes it to a device): each call copies <model>_runner and the input into a fresh working
// directory, runs it there (runtime/runner/netc_runner.c says what it speaks) and reads back
// what it printed and wrote.
#pragma once

#include "exec/compiled_model.h"

namespace netc {

class DeviceModel : public CompiledModel {
public:
    DeviceModel(const std::string &dir, const std::string &model, const TargetInfo &t);
    ~DeviceModel() override;
    std::vector<std::vector<float>> run(const std::vector<float> &input) override;
    std::vector<double> time_runs(const std::vector<float> &input, int warmup, int runs) override;
    std::vector<std::vector<double>> stage_time_runs(const std::vector<float> &input, int warmup, int runs) override;
    std::vector<std::string> stage_names() override;
    void set_threads(int n) override { threads_ = n; }
    std::string halide_target() override;
    int batch() override { return batch_; }

private:
    struct Result {
        std::vector<std::string> stage_names;
        std::string halide_target;
        std::vector<double> times;
        std::vector<std::vector<double>> stage_run_ms;  // [stage][run]
        std::vector<std::vector<float>> outputs;
    };
    Result call(const std::vector<float> &input, const std::vector<std::string> &extra_args, bool want_outputs);

    std::string dir_, program_, work_root_;
    TargetInfo target_;
    int threads_ = 0;
    int batch_ = 1;  // from the metadata (`netc compile --batch`)
    int calls_ = 0;
    Result info_;  // from the first call: the stages and the target
    bool have_info_ = false;
};

}  // namespace netc
