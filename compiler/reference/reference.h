// The reference interpreter: the test oracle for the generated code.
//
// It evaluates a graph with plain nested loops, one function per op, and deliberately
// shares nothing with the Halide lowering, so that a bug there cannot hide by appearing
// on both sides of a comparison. Speed is not a goal; being obviously right is.
#pragma once

#include <functional>
#include <vector>

#include "ir/graph.h"

namespace netc {

// Runs the graph on one input (HWC float32, already normalised, size = g.input.shape.elements()).
// Returns one vector per g.outputs entry (in order), each in HWC order of that layer's `out` shape.
//
// Preconditions: shapes inferred (every Layer::out set), padding resolved to explicit pads,
// weights bound in Layer::params, composites expanded. Violations that depend on the input
// (wrong input size, a separable_conv layer, missing or mis-sized weights) throw CompileError.
std::vector<std::vector<float>> run_reference(const Graph &g, const std::vector<float> &input);

// For tools that adjust a graph while it runs (batchnorm calibration): called after each
// layer (0 = the input) with its output in HWC order. It may change the params of layers
// that have not run yet; they run with the changed values.
using LayerObserver = std::function<void(Graph &g, int layer, const std::vector<float> &output)>;
std::vector<std::vector<float>> run_reference(Graph &g, const std::vector<float> &input, const LayerObserver &after_layer);

}  // namespace netc
