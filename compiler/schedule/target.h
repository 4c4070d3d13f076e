// Targets: what `--target` accepts, and the few facts about a target that schedules
// derive their tile sizes from. Target knowledge lives here and in the schedules only.
#pragma once

#include <string>

#include "Halide.h"

namespace netc {

struct TargetInfo {
    std::string name;       // canonical, used for directory names: "x86-64-avx2", "x86-64-avx512"
    Halide::Target halide;  // what code is generated for (without the runtime)
    int vector_floats;      // float32 lanes of the natural vector
    int vector_registers;   // architectural vector registers
    int l2_bytes;           // per-core L2 cache, what a stage's reused working set should fit
};

// "host" (the best this CPU supports), "x86-64-avx2", "x86-64-avx512", or "x86-64-sse41".
// Anything else is a CompileError naming the field "--target" and the accepted values.
TargetInfo resolve_target(const std::string &spec);

}  // namespace netc
