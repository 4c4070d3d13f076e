// A detector imported from ONNX has nowhere in the file to say how its outputs are decoded:
// the decode family, priors or anchors, thresholds. They come from a small JSON file next to
// the model, MODEL.detection.json for MODEL.onnx, holding what a spec's "detection" section
// holds (docs/spec.md#detection), with layers named by ONNX output or node names.
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

// "dir/model.detection.json" for "dir/model.onnx".
std::string detection_config_path(const std::string &onnx_path);

// `g` with its DetectionSpec read from detection_config_path(g.spec_file) when that file
// exists (errors name it); else `g` unchanged. Before resolve_detection (shapes not needed).
Graph attach_detection_config(const Graph &g);

}  // namespace netc
