// Detection post-processing for tools (netc run, netc check, tests) that hold a detector's raw
// outputs as vectors: allocates the priors and scratch the runtime's functions need.
#pragma once

#include <string>
#include <vector>

#include "netc_detect.h"

namespace netc {

// Throws CompileError (naming `what`) if the runtime rejects the config or the sizes.
std::vector<netc_detection> postprocess_detections(const netc_detection_config &c, const std::vector<float> &boxes,
                                                   const std::vector<float> &scores, const std::string &what);

}  // namespace netc
