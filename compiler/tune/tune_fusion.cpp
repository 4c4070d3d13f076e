#include "tune/tune_fusion.h"

#include <cstdio>
#include <map>
#include <set>

#include "lower/memory_plan.h"
#include "tune/time_stage.h"

namespace netc {

namespace {

// The stages of `a` that `b` does not have (as sets of layers), timed and summed.
double differing_stages_ms(const Graph &opt, const StagePlan &a, const StagePlan &b, const TargetInfo &target, const ScheduleParams &params,
                           int runs) {
    std::set<std::vector<int>> in_b;
    for (const StageGroup &s : b.stages) in_b.insert(s.layers);
    const MemoryPlan plan = plan_memory(opt, a);
    double ms = 0;
    for (const StageGroup &s : a.stages)
        if (!in_b.count(s.layers)) ms += time_stage_ms(opt, plan, s, target, params, runs);
    return ms;
}

}  // namespace

FusionTuning tune_fusion(const Graph &opt, const TargetInfo &target, const ScheduleParams &base, int runs,
                         const std::function<void(const std::string &)> &progress) {
    FusionTuning r;
    r.params = base;
    // Expand convs last, each against the choice made for its depthwise conv: fusing one needs
    // that depthwise conv fused into the project conv, so "fused" means both (even if the
    // depthwise conv alone was better kept apart) and "apart" the earlier choice.
    std::vector<int> candidates;
    for (bool rows : {false, true})
        for (int i = 1; i < int(opt.layers.size()); i++) {
            const FusionKind kind = fusion_kind(opt, i);
            if (kind != FusionKind::None && (kind == FusionKind::Rows) == rows) candidates.push_back(i);
        }
    int done = 0;
    for (int i : candidates) {
        const Layer &l = opt.layers[size_t(i)];
        ScheduleParams fused = r.params, unfused = r.params;
        fused.fuse_layers[l.name] = true;
        unfused.fuse_layers[l.name] = false;
        BoundaryTiming b{l.name, opt.layers[size_t(i) + 1].name, fusion_kind(opt, i)};
        const bool rows = b.kind == FusionKind::Rows;
        if (rows) fused.fuse_layers[b.next] = true;
        char line[512];
        done++;
        const std::string blocker = fusion_blocker(opt, target, rows ? fused : r.params, i);
        if (!blocker.empty()) {
            // Cannot be fused here (two convs in one stage, a buffer over half of L2, ...).
            r.params.fuse_layers[l.name] = false;
            std::snprintf(line, sizeof line, "[%d/%zu] %s -> %s (%s): not fusable: %s", done, candidates.size(), b.layer.c_str(),
                          b.next.c_str(), fusion_kind_name(b.kind), blocker.c_str());
            if (progress) progress(line);
            continue;
        }
        const StagePlan pf = plan_stages(opt, target, fused), pu = plan_stages(opt, target, unfused);
        b.fused_ms = differing_stages_ms(opt, pf, pu, target, fused, runs);
        b.unfused_ms = differing_stages_ms(opt, pu, pf, target, unfused, runs);
        b.fused = b.fused_ms < b.unfused_ms;
        if (b.fused) r.params = fused;
        r.params.fuse_layers[l.name] = b.fused;
        std::snprintf(line, sizeof line, "[%d/%zu] %s -> %s (%s): fused %.3f ms, apart %.3f ms: %s", done, candidates.size(), b.layer.c_str(),
                      b.next.c_str(), fusion_kind_name(b.kind), b.fused_ms, b.unfused_ms, b.fused ? "fuse" : "keep apart");
        if (progress) progress(line);
        r.boundaries.push_back(b);
    }
    return r;
}

}  // namespace netc
