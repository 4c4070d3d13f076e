// One function per op: the algorithm only, no scheduling. `in` is indexed (c, x, y) and
// may be read at negative or past-the-end x/y up to the layer's pads (the zero halo).
#pragma once

#include "lower/stage.h"

namespace netc {

Halide::Expr apply_activation(Halide::Expr v, Activation a, const ActivationParams &p);

StageFuncs lower_conv2d(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_depthwise_conv2d(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_elementwise(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);  // batchnorm, activations
StageFuncs lower_global_avgpool(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_maxpool(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_avgpool(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_dense(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_combine(const Layer &l, const std::vector<Shape> &shapes, const std::vector<Halide::Func> &ins,
                         const StageVars &v);  // add, mul, concat
StageFuncs lower_reshape(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_resize(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_pad(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_conv_transpose2d(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);
StageFuncs lower_softmax(const Layer &l, const Shape &in_shape, Halide::Func in, const StageVars &v);

}  // namespace netc
