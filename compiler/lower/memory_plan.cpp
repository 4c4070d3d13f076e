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
    // Lifetimes in stage order: tensor i is written by stage i (the input before stage 1) and
    // read up to the last reader; the runtime copies outputs out after the last stage.
    const size_t n = plan.tensors.size();
    std::vector<size_t> last_use(n);
    for (size_t i = 0; i < n; i++) last_use[i] = i;
    for (size_t j = 0; j < n; j++)
        for (int in : g.layers[j].inputs) last_use[size_t(in)] = std::max(last_use[size_t(in)], j);
    for (int o : g.outputs) last_use[size_t(o)] = n;
    auto size_of = [](const TensorPlan &t) { return (t.bytes() + 63) / 64 * 64; };
    // First fit: the lowest offset that overlaps no tensor alive at the same time.
    for (size_t i = 0; i < n; i++) {
        std::vector<std::pair<int64_t, int64_t>> taken;  // [begin, end) of tensors alive with i
        for (size_t k = 0; k < i; k++)
            if (last_use[k] >= i) taken.push_back({plan.tensors[k].offset, plan.tensors[k].offset + size_of(plan.tensors[k])});
        std::sort(taken.begin(), taken.end());
        int64_t offset = 0;
        const int64_t size = size_of(plan.tensors[i]);
        for (const auto &[begin, end] : taken) {
            if (offset + size <= begin) break;
            offset = std::max(offset, end);
        }
        plan.tensors[i].offset = offset;
        plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
        plan.unshared_bytes += size;
    }
    for (size_t i = 0; i < n; i++) {
        TensorPlan &t = plan.tensors[i];
        const bool halo = t.pad_top || t.pad_left || t.pad_bottom || t.pad_right;
        for (size_t k = 0; k < n && halo && !t.clear_halo; k++)
            if (k != i && t.offset < plan.tensors[k].offset + size_of(plan.tensors[k]) && plan.tensors[k].offset < t.offset + size_of(t))
                t.clear_halo = true;
    }
    return plan;
}

}  // namespace netc
