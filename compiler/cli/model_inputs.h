// Inputs for `netc run` / `netc check`, as the normalised float32 HWC the network sees.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace netc {

// .npy (shape H,W,C or 1,H,W,C), .ppm (raw pixels, normalised by the spec's mean/scale;
// must already have the input's size), or raw float32 (size from the spec).
std::vector<float> load_input(const Graph &g, const std::string &path);

// Uniform in [-1, 1): a deterministic input for checks.
std::vector<float> seeded_input(const Graph &g, uint64_t seed);

}  // namespace netc
