#include "exec/run_jit.h"

#include "Halide.h"
#include "lower/lower_stage.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

using Halide::Buffer;

bool halo_written(const Buffer<float> &b, const TensorPlan &t) {
    bool written = false;
    b.for_each_element([&](int c, int x, int y) {
        const bool halo = x < 0 || y < 0 || x >= t.shape.w || y >= t.shape.h;
        if (halo && b(c, x, y) != 0.0f) written = true;
    });
    return written;
}

}  // namespace

Buffer<float> tensor_buffer(const TensorPlan &t) {
    Buffer<float> b(t.shape.c, t.full_width(), t.full_height());
    b.set_min(0, -t.pad_left, -t.pad_top);
    b.fill(0.0f);
    return b;
}

JitRun run_jit(const Graph &opt, const StagePlan &stages, const MemoryPlan &plan, const std::vector<float> &input,
               const TargetInfo &target, const ScheduleParams &params) {
    std::vector<Buffer<float>> tensors;
    for (const TensorPlan &t : plan.tensors) tensors.push_back(t.materialized ? tensor_buffer(t) : Buffer<float>());
    const Shape in = opt.layers[0].out;
    if (int64_t(input.size()) != in.elements())
        fail("", opt.input.name, "", "input has " + std::to_string(input.size()) + " values, the graph takes " + std::to_string(in.elements()));
    for (int y = 0; y < in.h; y++)
        for (int x = 0; x < in.w; x++)
            for (int c = 0; c < in.c; c++) tensors[0](c, x, y) = input[(size_t(y) * in.w + x) * in.c + c];
    const Halide::Target jit = target.halide.without_feature(Halide::Target::NoRuntime);
    for (size_t s = 0; s < stages.stages.size(); s++) {
        const StageGroup &group = stages.stages[s];
        LoweredStage st = lower_stage(opt, plan, group, target, "s" + std::to_string(s + 1), params);
        for (size_t k = 0; k < st.inputs.size(); k++) st.inputs[k].set(tensors[size_t(st.input_tensors[k])]);
        // A view of the interior (sharing the storage); Halide::Buffer's crop would change the
        // shared handle, so the view is made on the underlying Runtime::Buffer.
        const Shape out = opt.layers[size_t(group.output())].out;
        Buffer<float> interior(tensors[size_t(group.output())].get()->cropped(1, 0, out.w).cropped(2, 0, out.h));
        st.pipeline.realize(interior, jit);
    }
    JitRun r;
    for (size_t i = 0; i < tensors.size(); i++)
        if (plan.tensors[i].materialized && halo_written(tensors[i], plan.tensors[i])) r.written_halos.push_back(plan.tensors[i].name);
    for (int o : opt.outputs) {
        const Shape s = opt.layers[size_t(o)].out;
        std::vector<float> out(size_t(s.elements()));
        for (int y = 0; y < s.h; y++)
            for (int x = 0; x < s.w; x++)
                for (int c = 0; c < s.c; c++) out[(size_t(y) * s.w + x) * s.c + c] = tensors[size_t(o)](c, x, y);
        r.outputs.push_back(std::move(out));
    }
    return r;
}

}  // namespace netc
