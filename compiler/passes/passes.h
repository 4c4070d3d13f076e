// Graph → Graph passes, in the order the compiler runs them (see docs/architecture.md):
//   expand_composites → infer_shapes → (bind_weights) → fold_pad → fold_batchnorm → fuse_activations
// Each is a pure function: it returns a new graph and leaves its argument alone.
// The reference interpreter runs on the graph before fold_batchnorm, so folding and fusion
// are checked against the unfolded network.
#pragma once

#include "ir/graph.h"

namespace netc {

// The width multiplier α scales the channels of every conv2d, separable_conv and
// inverted_residual that has scale_width (rounded down, or to a multiple of the spec's
// width_divisor as MobileNetV2/V3 do); input_size (0: keep) sets the input's height and
// width. The model is renamed <name>_a<α×100>_<size> so variants can sit side by side.
Graph apply_multipliers(const Graph &g, double alpha, int input_size);

// separable_conv → depthwise_conv2d [+ batchnorm] [+ activation] + conv2d 1x1 [+ batchnorm] [+ activation].
Graph expand_composites(const Graph &g);

// Sets every Layer::out, resolves padding to explicit pads, and rejects impossible shapes
// (kernel larger than the padded input, channels not divisible by groups, ...).
Graph infer_shapes(const Graph &g);
// The same for layer i alone, in place, its inputs' shapes already set: what the importers
// call as they add layers one at a time (the whole pass per layer would be quadratic).
void infer_layer_shape(Graph &g, size_t i);

// Fills a detector's prior grids (from the feature-map layers' shapes), image size and class
// count, and checks that the boxes and scores outputs hold exactly what the priors need.
Graph resolve_detection(const Graph &g);

// Folds a zero constant pad into the convolutions reading it (conv2d, depthwise_conv2d: their
// zero padding grows by it) when nothing else reads it: PyTorch and TF export explicit
// asymmetric pads as a Pad before a "valid" conv.
Graph fold_pad(const Graph &g);

// Folds a batchnorm into the conv2d / depthwise_conv2d / dense feeding it when that layer
// has no other reader: w' = w·γ/√(var+ε), b' = β + (b − mean)·γ/√(var+ε).
Graph fold_batchnorm(const Graph &g);

// Moves a relu / relu6 into the conv2d / depthwise_conv2d / dense feeding it when that layer
// has no other reader and no activation yet.
Graph fuse_activations(const Graph &g);

// Drops layers that no output depends on, and renumbers inputs and outputs.
Graph remove_dead_layers(const Graph &g);

}  // namespace netc
