// What a compiled stage asks of the runtime's scratch memory (runtime/netc_scratch.h): the
// temporaries Halide puts on the heap rather than the stack, read from the lowered code.
#pragma once

#include <cstdint>

#include "Halide.h"

namespace netc {

// Bytes of heap temporaries one thread of `m`'s functions can hold at once (an upper bound:
// every such allocation, as if all were live together), with the scratch allocator's
// per-block overhead.
int64_t scratch_bytes(const Halide::Module &m);

}  // namespace netc
