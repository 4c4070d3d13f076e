// The front end in one call: spec file → parsed, composites expanded, shapes inferred,
// weights bound. The result is the unfused graph the reference interpreter runs and
// `netc summary` counts; `optimize` turns it into what gets lowered.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace netc {

// Compile options that reshape the network (docs/cli.md): width and resolution multipliers.
struct ModelOptions {
    double alpha = 1.0;
    int input_size = 0;  // 0: the spec's
    std::vector<int64_t> input_shape;  // ONNX files: fixes dynamic input dimensions (N, C, H, W)
    std::function<void(const std::string &)> notice;  // what the importer decided for you (may be empty)
};

// Whether `path` names an ONNX model (which every command takes in place of a spec).
bool is_onnx_path(const std::string &path);

Graph load_model(const std::string &spec_path, const ModelOptions &options = {});
Graph load_model_structure(const std::string &spec_path, const ModelOptions &options = {});  // everything but the weights

// fold_batchnorm → fuse_activations → remove_dead_layers.
Graph optimize(const Graph &unfused);

}  // namespace netc
