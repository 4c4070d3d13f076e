// What a model is, for the schedules tuned for it: a hash of its graph's structure (each
// layer's name, op, inputs, attributes and output shape; the input shape; the outputs), not of
// its weights nor of its name or file name. A tuned schedule names layers and stages, so it
// belongs to the graphs that have those layers with those shapes, whatever the file is called:
// `netc tune` records the fingerprint in the file it writes, and `netc compile` uses a tuned
// file only for a model with the same fingerprint (schedule_params.h).
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

// "fnv1a64:<16 hex digits>" of the graph as load_model returns it (composites expanded,
// shapes inferred, nothing folded). The width and resolution multipliers change it; retraining
// (other weights) does not.
std::string model_fingerprint(const Graph &unfused);

}  // namespace netc
