// Makes random weights behave like trained ones: every batchnorm's running mean and variance
// become the statistics of its input on a fixed pseudo-random image, so activations stay
// near unit scale through the whole network. Without it, deep random networks (MobileNetV3,
// Xception) grow activations into the thousands, saturate softmax and sigmoid gates, and
// turn float rounding into large relative differences between equally correct programs.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace netc {

// The fixed pseudo-random image, values in [-1, 1), that the statistics are taken on.
std::vector<float> calibration_input(int64_t elements, uint64_t seed);

// Needs weights bound (every batchnorm's params present) and shapes inferred.
Graph calibrate_batchnorm(const Graph &g, uint64_t seed);

}  // namespace netc
