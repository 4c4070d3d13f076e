// netc Graph → ONNX (opset 13): `netc export`. The unfused graph with its weights, so that
// any engine (ONNX Runtime in the benchmarks) runs the very same network and numbers.
//
// The ONNX model is an ordinary NCHW one: input [1, C, H, W]; outputs [1, C, H, W], or
// [1, C] after a dense layer. netc's channels-last semantics are kept where they differ:
// a dense layer reading a spatial tensor gets its weight columns permuted to ONNX's CHW
// flattening, and a reshape (which follows HWC order) goes through NHWC transposes.
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

struct OnnxExport {
    int nodes = 0, initializers = 0;
};

// `g` is what load_model returns (shapes inferred, weights bound, composites expanded).
OnnxExport export_onnx(const Graph &g, const std::string &path);

}  // namespace netc
