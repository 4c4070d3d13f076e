#include "lower/memory_plan.h"

#include <algorithm>

namespace netc {

MemoryPlan plan_memory(const Graph &g, const StagePlan &stages) {
    MemoryPlan plan;
    const size_t n = g.layers.size();
    for (size_t i = 0; i < n; i++) {
        plan.tensors.push_back(TensorPlan{g.layers[i].name, g.layers[i].out});
        plan.tensors[i].materialized = stages.materialized(int(i));
    }
    auto stage_of = [&](size_t layer) { return layer == 0 ? -1 : stages.stage_of[layer]; };
    for (size_t j = 1; j < n; j++) {
        const Layer &l = g.layers[j];
        if (l.op != OpKind::Conv2D && l.op != OpKind::DepthwiseConv2D && l.op != OpKind::AvgPool) continue;
        // A reader in the same stage gets its zeros from a boundary condition instead.
        if (stage_of(size_t(l.inputs[0])) == stage_of(j)) continue;
        TensorPlan &t = plan.tensors[size_t(l.inputs[0])];
        t.pad_top = std::max(t.pad_top, l.padding.top);
        t.pad_left = std::max(t.pad_left, l.padding.left);
        t.pad_bottom = std::max(t.pad_bottom, l.padding.bottom);
        t.pad_right = std::max(t.pad_right, l.padding.right);
    }
    // Lifetimes in stages: a tensor is written by its stage (the input before the first) and
    // read up to its last reader's stage; the runtime copies outputs out after the last stage.
    const int end = int(stages.stages.size());
    std::vector<int> first(n), last(n);
    for (size_t i = 0; i < n; i++) first[i] = last[i] = stage_of(i);
    for (size_t j = 1; j < n; j++)
        for (int in : g.layers[j].inputs) last[size_t(in)] = std::max(last[size_t(in)], stage_of(j));
    for (int o : g.outputs) last[size_t(o)] = end;
    auto size_of = [](const TensorPlan &t) { return t.materialized ? (t.bytes() + 63) / 64 * 64 : 0; };
    // Greedy by size: largest tensors first, each at the lowest offset that overlaps no placed
    // tensor alive at the same time. Placing in stage order instead lets a small early tensor
    // split the arena where a large later one needs room (MobileNetV2: 8.1 MB vs 7.0 MB).
    std::vector<size_t> order;
    for (size_t i = 0; i < n; i++)
        if (plan.tensors[i].materialized) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return size_of(plan.tensors[a]) > size_of(plan.tensors[b]); });
    std::vector<size_t> placed;
    for (size_t i : order) {
        std::vector<std::pair<int64_t, int64_t>> taken;  // [begin, end) of placed tensors alive with i
        for (size_t k : placed)
            if (first[k] <= last[i] && first[i] <= last[k])
                taken.push_back({plan.tensors[k].offset, plan.tensors[k].offset + size_of(plan.tensors[k])});
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
        placed.push_back(i);
    }
    for (size_t i = 0; i < n; i++) {
        TensorPlan &t = plan.tensors[i];
        const bool halo = t.pad_top || t.pad_left || t.pad_bottom || t.pad_right;
        for (size_t k = 0; k < n && halo && t.materialized && !t.clear_halo; k++)
            if (k != i && plan.tensors[k].materialized && t.offset < plan.tensors[k].offset + size_of(plan.tensors[k]) &&
                plan.tensors[k].offset < t.offset + size_of(t))
                t.clear_halo = true;
    }
    return plan;
}

}  // namespace netc
