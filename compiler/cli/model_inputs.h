// Inputs for `netc run` / `netc check`, as the normalised float32 HWC the network sees, and
// outputs as the model file declares them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <set>

#include "cli/args.h"
#include "io/npy.h"
#include "io/preprocess.h"
#include "ir/graph.h"

namespace netc {

// .npy in the shape the model declares (an ONNX model's [1, C, H, W]; a spec's H,W,C or
// 1,H,W,C: both are taken for an ONNX model too); a photo (JPEG, PNG or PPM, told by its
// content), made into the input by `image` (preprocess_options); or raw
// float32 in the declared layout.
std::vector<float> load_input(const Graph &g, const std::string &path, const Preprocess &image = {});
// The same for a photo already decoded (`path` for errors).
std::vector<float> photo_input(const Graph &g, const Image &img, const std::string &path, const Preprocess &image);

// The photo options: the model's own (InputInfo: its spec or MODEL.preprocess.json), each
// replaced by its flag when given (--fit, --resize, --normalize, --mean, --scale, --channels).
Preprocess preprocess_options(const Args &a, const InputInfo &model = InputInfo{});
extern const char *const kPreprocessOptionsHelp;
extern const std::set<std::string> kPreprocessFlags;

// Output `o` (netc's HWC values) as the model declares it: an ONNX model's output in its ONNX
// shape and order (NCHW transposed back), a spec's as [H, W, C] ([C] for 1x1xC).
NpyArray declared_output(const Graph &g, size_t o, const std::vector<float> &values);

// Uniform in [-1, 1): a deterministic input for checks.
std::vector<float> seeded_input(const Graph &g, uint64_t seed);

}  // namespace netc
