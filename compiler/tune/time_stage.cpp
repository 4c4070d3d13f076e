#include "tune/time_stage.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "Halide.h"
#include "analysis/sample_stats.h"
#include "exec/run_jit.h"
#include "lower/lower_stage.h"

namespace netc {

namespace {

using Halide::Buffer;

double median_ms(Halide::Pipeline &p, Halide::Realization out, const Halide::Target &jit, int runs) {
    for (int i = 0; i < 3; i++) p.realize(out, jit);
    std::vector<double> ms;
    for (int i = 0; i < runs; i++) {
        const auto t0 = std::chrono::steady_clock::now();
        p.realize(out, jit);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return median_of(ms);
}

// What a realize costs with nothing to compute: argument checks and the JIT's call path.
double call_overhead_ms(const Halide::Target &jit, int runs) {
    static double overhead = -1;
    if (overhead < 0) {
        Halide::Func f("tune_empty");
        Halide::Var x;
        f(x) = x;
        Halide::Pipeline p(f);
        Buffer<int32_t> out(1);
        overhead = median_ms(p, Halide::Realization({out}), jit, std::max(runs, 100));
    }
    return overhead;
}

}  // namespace

double time_stage_ms(const Graph &opt, const MemoryPlan &plan, const StageGroup &stage, const TargetInfo &target,
                     const ScheduleParams &params, int runs) {
    LoweredStage st = lower_stage(opt, plan, stage, target, "tune_stage", params);
    std::vector<Buffer<float>> inputs;
    uint32_t seed = 12345;
    for (size_t k = 0; k < st.inputs.size(); k++) {
        inputs.push_back(tensor_buffer(plan.tensors[size_t(st.input_tensors[k])]));
        inputs.back().for_each_value([&](float &v) {
            seed = seed * 1664525u + 1013904223u;
            v = float(seed >> 8) * (2.0f / 16777216.0f) - 1.0f;
        });
        st.inputs[k].set(inputs.back());
    }
    const Shape out = opt.layers[size_t(stage.output())].out;
    Buffer<float> full = tensor_buffer(plan.tensors[size_t(stage.output())]);
    Buffer<float> interior(full.get()->cropped(1, 0, out.w).cropped(2, 0, out.h));
    const Halide::Target jit = target.halide.without_feature(Halide::Target::NoRuntime);
    st.pipeline.compile_jit(jit);
    const double ms = median_ms(st.pipeline, Halide::Realization({interior}), jit, runs);
    return std::max(0.0, ms - call_overhead_ms(jit, runs));
}

}  // namespace netc
