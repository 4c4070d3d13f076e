#include "lower/lower_stage.h"

#include "lower/ops/ops.h"
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
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::HSwish:
    case OpKind::HSigmoid:
    case OpKind::Sigmoid: return lower_elementwise(l, in_shape, in, v);
    case OpKind::MaxPool: return lower_maxpool(l, in_shape, in, v);
    case OpKind::GlobalAvgPool: return lower_global_avgpool(l, in_shape, in, v);
    case OpKind::AvgPool: return lower_avgpool(l, in_shape, in, v);
    case OpKind::Dense: return lower_dense(l, in_shape, in, v);
    case OpKind::Softmax: return lower_softmax(l, in_shape, in, v);
    case OpKind::Reshape: return lower_reshape(l, in_shape, in, v);
    default: break;
    }
    fail("", l.name, "op", std::string("internal: no lowering for op ") + op_name(l.op));
}

}  // namespace

LoweredStage lower_stage(const Graph &g, const MemoryPlan &plan, int layer, const TargetInfo &target,
                         const std::string &function_name, const ScheduleParams &params) {
    Layer l = g.layers[size_t(layer)];
    // Layer names may be any string (ONNX's look like "/features/features.0/Conv"); Halide's
    // Func names may not contain '.'.
    l.name = "l_" + identifier_safe(l.name);
    LoweredStage st;
    st.layer = layer;
    st.function_name = function_name;
    StageVars v;
    for (size_t k = 0; k < l.inputs.size(); k++) {
        ImageParam p(Float(32), 3, l.name + "_in" + std::to_string(k));
        constrain_input(p, plan.tensors[size_t(l.inputs[k])]);
        st.inputs.push_back(p);
    }
    if (reads_several_inputs(l.op)) {
        std::vector<Shape> shapes;
        std::vector<Func> ins;
        for (size_t k = 0; k < l.inputs.size(); k++) {
            shapes.push_back(g.layers[size_t(l.inputs[k])].out);
            ins.push_back(st.inputs[k]);
        }
        st.funcs = lower_combine(l, shapes, ins, v);
    } else {
        st.funcs = lower_op(l, g.layers[size_t(l.inputs[0])].out, st.inputs[0], v);
    }
    constrain_output(st.funcs.output, plan.tensors[size_t(layer)]);
    apply_default_schedule(st.funcs, v, target, params);
    st.pipeline = Pipeline(st.funcs.output);
    return st;
}

}  // namespace netc
