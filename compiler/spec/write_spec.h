// Graph → spec JSON (docs/spec.md): what `netc import` writes. Every field is written out,
// pads explicitly, so the spec reads without knowing any default.
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

// `weights_file` goes into "weights": {"file": ...}; `description` into "description".
std::string spec_json(const Graph &g, const std::string &weights_file, const std::string &description);

}  // namespace netc
