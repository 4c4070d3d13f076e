// Spec JSON → Graph (composites not yet expanded, shapes not inferred, no weights).
// The format is documented in docs/spec.md. Every error names the file, the layer and the
// JSON field; unknown fields are errors (a typo like "strides" must not be silently ignored).
#pragma once

#include <string>

#include "ir/graph.h"

namespace netc {

Graph parse_spec_file(const std::string &path);

// `file` is used in messages and to resolve a relative weights path (against its folder).
Graph parse_spec_text(const std::string &text, const std::string &file);

}  // namespace netc
