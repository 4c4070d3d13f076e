#include "lower/memory_plan.h"

#include <algorithm>

namespace netc {

MemoryPlan plan_memory(const Graph &g) {
    MemoryPlan plan;
    for (const Layer &l : g.layers) plan.tensors.push_back(TensorPlan{l.name, l.out});
    for (const Layer &l : g.layers) {
        if (l.op != OpKind::Conv2D && l.op != OpKind::DepthwiseConv2D && l.op != OpKind::AvgPool) continue;
        TensorPlan &t = plan.tensors[size_t(l.inputs[0])];
        t.pad_top = std::max(t.pad_top, l.padding.top);
        t.pad_left = std::max(t.pad_left, l.padding.left);
        t.pad_bottom = std::max(t.pad_bottom, l.padding.bottom);
        t.pad_right = std::max(t.pad_right, l.padding.right);
    }
    // No reuse yet: every tensor has its own slot (liveness-based reuse is planned).
    for (TensorPlan &t : plan.tensors) {
        t.offset = plan.arena_bytes;
        plan.arena_bytes += (t.bytes() + 63) / 64 * 64;
    }
    return plan;
}

}  // namespace netc
