// The stages of a compiled model as its metadata (<model>.json) records them, with what
// each one computes: the layers it holds, in order, and their multiply-accumulates. The
// schedule the model was compiled with decided the fusion, so the metadata, not a fresh plan,
// says which layers share a stage (`netc bench`, `netc estimate`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace netc {

struct CompiledStage {
    std::string name;      // as the runtime reports it (netc_model_stage_name)
    std::string function;  // the Halide function's symbol in lib<model>.a
    std::string ops;       // "conv2d+relu6 > conv2d+relu6": its layers' ops, in order
    int64_t macs = 0;
    int64_t depthwise_macs = 0;  // of those, in depthwise convolutions (the rest: convolutions, dense layers)
};

// `optimized` is the optimised graph the model was compiled from (layer names and MACs).
// Fails naming the file when it is not a compiled model's metadata.
std::vector<CompiledStage> compiled_stages(const Graph &optimized, const std::string &metadata_file);

}  // namespace netc
