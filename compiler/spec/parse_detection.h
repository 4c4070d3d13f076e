// The spec's optional "detection" section (docs/spec.md#detection) → DetectionSpec.
#pragma once

#include "ir/graph.h"
#include "spec/field_reader.h"

namespace netc {

// `g` is the parsed graph (layers and outputs known, shapes not yet): names in the section
// are resolved against it. Grid sizes are filled later, by resolve_detection.
DetectionSpec parse_detection(const json &section, const Graph &g);

}  // namespace netc
