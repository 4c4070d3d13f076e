// Where every activation lives: one tensor per layer of the optimised graph (except those
// computed inside a fused stage), each with a halo of zeros as wide as its widest padded
// reader in another stage needs (so stages never test bounds),
// packed into one arena that the runtime allocates once per session. Tensors whose lifetimes
// (from the stage that writes them to the last stage that reads them; outputs to the end)
// do not overlap share memory; a shared tensor's halo is re-zeroed by the runtime before its
// stage writes it (clear_halo), since the memory held another tensor's values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/plan_stages.h"

namespace netc {

struct TensorPlan {
    std::string name;  // the layer's name
    Shape shape;
    int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
    int64_t offset = 0;  // bytes into the arena
    bool clear_halo = false;  // has a halo, in memory another tensor also uses
    bool materialized = true;  // false: computed inside a fused stage, never in memory (no bytes)
    int full_width() const { return shape.w + pad_left + pad_right; }
    int full_height() const { return shape.h + pad_top + pad_bottom; }
    int64_t bytes() const { return int64_t(shape.c) * full_width() * full_height() * 4; }
};

struct MemoryPlan {
    std::vector<TensorPlan> tensors;  // tensors[i] belongs to layer i
    int64_t arena_bytes = 0;
    int64_t unshared_bytes = 0;  // what the arena would be without sharing
};

// Lifetimes are counted in stages; a layer fused into a later one's stage gets no memory.
MemoryPlan plan_memory(const Graph &g, const StagePlan &stages);

}  // namespace netc
