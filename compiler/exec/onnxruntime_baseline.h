// ONNX Runtime on the same network, weights and input, for `netc bench --vs onnxruntime`:
// the model is exported (netc export), then tools/onnx/ort_run.js (npm onnxruntime-node,
// CPU execution provider, all graph optimisations) runs and times it in a child process.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace netc {

struct OrtBaseline {
    double median_ms = 0, min_ms = 0;
    std::vector<std::vector<float>> outputs;  // in the graph's output order, channels-last like netc's
    std::string version;
};

// `input` is netc's (HWC, normalised). Throws CompileError if node or the package is missing.
OrtBaseline run_onnxruntime(const Graph &g, const std::vector<float> &input, int threads, int runs, const std::string &work_dir);

}  // namespace netc
