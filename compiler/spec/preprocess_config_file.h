// An ONNX or TF.js file has no place to say how a photo becomes its input: the resize, the
// normalisation, the channel order its training used. They come from a small JSON file next to
// the model, MODEL.preprocess.json for MODEL.onnx or MODEL.json (model.preprocess.json beside a
// TF.js model.json):
//   {"fit": "stretch", "resize": "align-corners", "normalize": "unit"}
// fit: crop (default) or stretch; resize: pil (default) or align-corners; normalize: imagenet,
// signed, unit or none, or "mean" and "scale" (1 or 3 numbers each, on 0..255 pixels); channels:
// rgb (default) or bgr. `netc run` takes them as its defaults, a compiled library's uint8 input
// is normalised with them, and the generated header tells an app how to resize (docs/cli.md).
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

// "dir/model.preprocess.json" for "dir/model.json" or "dir/model.onnx".
std::string preprocess_config_path(const std::string &model_path);

// `g` with its InputInfo's photo preparation read from preprocess_config_path(g.spec_file)
// when that file exists (errors name it and the field); else `g` unchanged.
Graph attach_preprocess_config(const Graph &g);

}  // namespace netc
