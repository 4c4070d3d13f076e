// Weights: which tensors each layer has, and where their values come from (a safetensors
// file, or a seeded generator for tests and benchmarks).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace netc {

struct ParamShape {
    std::string role;            // "weight", "bias", "gamma", "beta", "mean", "var"
    std::vector<int64_t> shape;  // PyTorch order: conv (out, in/groups, kh, kw), dense (out, in)
    bool trainable;              // BN running mean/var are not (they are not counted as parameters)
};

// The tensors layer `i` needs, given its input shape. Needs infer_shapes to have run.
std::vector<ParamShape> param_shapes(const Graph &g, int i);

std::string shape_string(const std::vector<int64_t> &shape);  // "[32, 3, 3, 3]"

// Fills every Layer::params from g.weights: a file, or random weights whose batchnorm
// statistics are then calibrated (calibrate_batchnorm.h). Errors name the weights file,
// the layer and the tensor ("conv1.weight").
Graph bind_weights(const Graph &g);

// Deterministic weights from `seed`: He-uniform convolutions and dense layers, small biases,
// and BatchNorm statistics far enough from 0/1 that folding them is really exercised.
Graph with_random_weights(const Graph &g, uint64_t seed);

// Writes every Layer::params as "<layer>.<role>" float32 tensors.
void write_safetensors(const Graph &g, const std::string &path);

}  // namespace netc
