// `netc check` and `netc bench` both start by running the compiled model and the reference
// interpreter on one input and comparing them, output by output (and, for a detector, the
// detections after NMS). This prints one line per comparison.
#pragma once

#include <vector>

#include "exec/compiled_model.h"
#include "ir/graph.h"

namespace netc {

// Returns whether every output is within `tolerance` (max |compiled - reference| /
// max |reference|) and a detector's detections are the same.
bool compare_with_reference(const Graph &g, CompiledModel &m, const std::vector<float> &input, double tolerance);

}  // namespace netc
