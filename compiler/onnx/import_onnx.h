// ONNX → netc Graph: the importer behind `netc import` and `netc compile model.onnx`.
//
// ONNX activations are NCHW; netc's are channels-last (HWC, batch 1). The importer tracks,
// for every ONNX value, how its ONNX shape maps onto a netc tensor (its "layout"), so that
// Flatten, Reshape, Transpose, Concat and Softmax keep their meaning; Conv + BatchNormalization,
// Clip(0, 6), x·HardSigmoid(x) and squeeze-excite become the layers a hand-written spec would
// have, so they get the same folding and fusion. Weights come from initializers and Constant
// nodes; Shape-only subgraphs are folded to constants. Unsupported nodes are all reported
// together, in one error naming the file and each node.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onnx/onnx_file.h"

namespace netc {

struct OnnxImportOptions {
    std::vector<int64_t> input_shape;  // --input-shape N,C,H,W: fixes dynamic input dimensions
    std::string name;                  // the model's name; default: from the file name
    std::function<void(const std::string &)> notice;  // e.g. "dynamic batch fixed to 1"
    // Graph inputs to take as constants: ONNX's node tests pass weights as inputs.
    std::map<std::string, ConstTensor> constants;
};

// How one of the imported graph's outputs relates to the ONNX output of the same name.
struct OnnxOutput {
    std::string name;
    std::vector<int64_t> onnx_shape;
    bool nchw = false;  // netc's values are the ONNX tensor transposed NCHW → NHWC; else the same order
};

struct OnnxImport {
    Graph graph;  // shapes not yet inferred; weights bound in Layer::params
    std::vector<int64_t> onnx_input_shape;
    bool input_nchw = true;  // netc's input is the ONNX input transposed NCHW → HWC; else the same order
    std::vector<OnnxOutput> outputs;
    int opset = 0;
};

OnnxImport import_onnx(const std::string &path, const OnnxImportOptions &options = {});

}  // namespace netc
