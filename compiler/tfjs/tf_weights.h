// TensorFlow's weight layouts (what Keras and TF graphs store, channels last) in netc's
// (PyTorch's) order: shared by the TF.js layers and graph importers.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace netc {

// Conv2D [kh, kw, in/groups, out] (HWIO) → netc (out, in/groups, kh, kw).
Tensor conv_weight_from_hwio(const std::vector<float> &k, int64_t kh, int64_t kw, int64_t cin, int64_t cout);
// DepthwiseConv2D [kh, kw, in, multiplier] → netc (in · multiplier, 1, kh, kw), output ci·m + j.
Tensor depthwise_weight_from_hwim(const std::vector<float> &k, int64_t kh, int64_t kw, int64_t cin, int64_t m);
// Dense/MatMul [in, out] → netc (out, in).
Tensor dense_weight_from_io(const std::vector<float> &k, int64_t in, int64_t out);

}  // namespace netc
