#include "lower/lower_stage.h"

#include <map>

#include "lower/ops/ops.h"
#include "netc_threads.h"
#include "schedule/autoschedule.h"
#include "schedule/default_schedule.h"
#include "spec/diagnostic.h"

namespace netc {

using namespace Halide;

const char *stage_kind_name(StageKind k) {
    switch (k) {
    case StageKind::Conv: return "conv";
    case StageKind::Depthwise: return "depthwise";
    case StageKind::Elementwise: return "elementwise";
    case StageKind::GlobalPool: return "global_pool";
    case StageKind::Pool: return "pool";
    case StageKind::Dense: return "dense";
    case StageKind::Softmax: return "softmax";
    }
    return "?";
}

std::vector<Argument> LoweredStage::arguments() const {
    std::vector<Argument> args;
    for (const auto &p : inputs) args.push_back(p);
    return args;
}

namespace {

// Fixing every extent and stride lets Halide drop the generic index arithmetic, and makes
// the generated function itself reject a buffer of the wrong shape.
void constrain_input(ImageParam &p, const TensorPlan &t) {
    p.dim(0).set_bounds(0, t.shape.c).set_stride(1);
    p.dim(1).set_bounds(-t.pad_left, t.full_width()).set_stride(t.shape.c);
    p.dim(2).set_bounds(-t.pad_top, t.full_height()).set_stride(t.shape.c * t.full_width());
}

void constrain_output(Func &f, const TensorPlan &t) {
    OutputImageParam o = f.output_buffer();
    o.dim(0).set_bounds(0, t.shape.c).set_stride(1);
    o.dim(1).set_bounds(0, t.shape.w).set_stride(t.shape.c);
    o.dim(2).set_bounds(0, t.shape.h).set_stride(t.shape.c * t.full_width());
}

StageFuncs lower_op(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    switch (l.op) {
    case OpKind::Conv2D: return lower_conv2d(l, in_shape, in, v);
    case OpKind::DepthwiseConv2D: return lower_depthwise_conv2d(l, in_shape, in, v);
    case OpKind::BatchNorm:
    case OpKind::Affine:
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::HSwish:
    case OpKind::HSigmoid:
    case OpKind::Sigmoid:
    case OpKind::Clip:
    case OpKind::LeakyRelu:
    case OpKind::HardSigmoid: return lower_elementwise(l, in_shape, in, v);
    case OpKind::MaxPool: return lower_maxpool(l, in_shape, in, v);
    case OpKind::GlobalAvgPool: return lower_global_avgpool(l, in_shape, in, v);
    case OpKind::AvgPool: return lower_avgpool(l, in_shape, in, v);
    case OpKind::Dense: return lower_dense(l, in_shape, in, v);
    case OpKind::Softmax: return lower_softmax(l, in_shape, in, v);
    case OpKind::Reshape: return lower_reshape(l, in_shape, in, v);
    case OpKind::Resize: return lower_resize(l, in_shape, in, v);
    case OpKind::Pad: return lower_pad(l, in_shape, in, v);
    case OpKind::ConvTranspose2D: return lower_conv_transpose2d(l, in_shape, in, v);
    default: break;
    }
    fail("", l.name, "op", std::string("internal: no lowering for op ") + op_name(l.op));
}

}  // namespace

LoweredStage lower_stage(const Graph &g, const MemoryPlan &plan, const StageGroup &group, const TargetInfo &target,
                         const std::string &function_name, const ScheduleParams &params) {
    LoweredStage st;
    st.group = group;
    st.function_name = function_name;
    StageVars v;
    std::map<int, Func> computed;  // layers of this stage, by index
    auto input_func = [&](const Layer &reader, int layer) -> Func {
        const auto it = computed.find(layer);
        if (it == computed.end()) {
            for (size_t k = 0; k < st.input_tensors.size(); k++)
                if (st.input_tensors[k] == layer) return st.inputs[k];
            ImageParam p(Float(32), 3, "l_" + identifier_safe(g.layers[size_t(layer)].name) + "_in");
            constrain_input(p, plan.tensors[size_t(layer)]);
            st.inputs.push_back(p);
            st.input_tensors.push_back(layer);
            return p;
        }
        // Read with padding inside the stage: zeros outside the interior, as a halo in memory would be.
        const Padding &pad = reader.padding;
        if (pad.top || pad.left || pad.bottom || pad.right) {
            const Shape s = g.layers[size_t(layer)].out;
            return BoundaryConditions::constant_exterior(it->second, 0.0f, {{0, s.c}, {0, s.w}, {0, s.h}});
        }
        return it->second;
    };
    std::vector<StageFuncs> lowered;
    for (int index : group.layers) {
        Layer l = g.layers[size_t(index)];
        // Layer names may be any string (ONNX's look like "/features/features.0/Conv"); Halide's
        // Func names may not contain '.'.
        l.name = "l_" + identifier_safe(l.name);
        std::vector<Func> ins;
        std::vector<Shape> shapes;
        for (int in : l.inputs) {
            ins.push_back(input_func(g.layers[size_t(index)], in));
            shapes.push_back(g.layers[size_t(in)].out);
        }
        lowered.push_back(reads_several_inputs(l.op) ? lower_combine(l, shapes, ins, v) : lower_op(l, shapes[0], ins[0], v));
        computed[index] = lowered.back().output;
    }
    // The stage is scheduled around its (last) reduction, else its last layer.
    // The layer just before a conv feeds it per pixel tile; earlier ones are inlined into that
    // one, and layers after the anchor into the output.
    size_t a = lowered.size() - 1;
    for (size_t k = 0; k < lowered.size(); k++)
        if (lowered[k].accumulator.defined()) a = k;
    st.funcs = lowered[a];
    if (a > 0 && st.funcs.kind == StageKind::Conv)
        st.funcs.tile_producers.push_back(TileProducer{lowered[a - 1].output, lowered[a - 1].out.c});
    // Two convs (plan_stages allows it for expand > depthwise > project): the first feeds the
    // tile producer row by row.
    if (a > 1 && st.funcs.kind == StageKind::Conv && lowered[a - 2].accumulator.defined()) {
        st.funcs.row_producers.push_back(lowered[a - 2]);
        st.funcs.row_producers.back().window_rows = g.layers[size_t(group.layers[a - 1])].kernel_h;
    }
    st.funcs.output = lowered.back().output;
    st.funcs.out = lowered.back().out;
    constrain_output(st.funcs.output, plan.tensors[size_t(group.output())]);
    const std::string &name = stage_name(g, group);
    if (!params.autoscheduler.empty()) {
        // Halide's autoscheduler instead of the templates: it needs every buffer's extent as an
        // estimate, which the memory plan fixes.
        for (size_t k = 0; k < st.inputs.size(); k++) {
            const TensorPlan &t = plan.tensors[size_t(st.input_tensors[k])];
            st.inputs[k].set_estimates({{0, t.shape.c}, {-t.pad_left, t.full_width()}, {-t.pad_top, t.full_height()}});
        }
        const Shape &o = st.funcs.out;
        st.funcs.output.set_estimates({{0, o.c}, {0, o.w}, {0, o.h}});
        st.pipeline = Pipeline(st.funcs.output);
        const int cores = params.autoscheduler_parallelism > 0 ? params.autoscheduler_parallelism : netc_usable_cpus();
        st.autoschedule_source = apply_autoscheduler(st.pipeline, params.autoscheduler, target, cores, params.source, name);
        return st;
    }
    const ScheduleParams knobs = params.for_stage(name);
    const std::string problem = stage_schedule_problem(g, group, target, knobs);
    if (!problem.empty()) fail(params.source, name, "stages." + name + ".conv.tile_pixels", problem);
    apply_default_schedule(st.funcs, v, target, knobs);
    st.pipeline = Pipeline(st.funcs.output);
    return st;
}

}  // namespace netc
