#include "tune/tune_knobs.h"

#include <algorithm>
#include <cstdio>

#include "lower/memory_plan.h"
#include "schedule/default_schedule.h"
#include "schedule/plan_stages.h"
#include "tune/time_stage.h"

namespace netc {

namespace {

constexpr double kMargin = 0.97;  // a candidate must be 3% faster than the default to replace it

std::string describe(const StageKnobs &k) {
    std::string s;
    if (k.conv_vectors_per_block) s += "conv " + std::to_string(*k.conv_vectors_per_block) + " vector(s) x ";
    if (k.conv_tile_pixels) s += std::to_string(*k.conv_tile_pixels) + " px";
    if (k.depthwise_pixel_run) s += std::string(s.empty() ? "" : ", ") + "depthwise run " + std::to_string(*k.depthwise_pixel_run);
    if (k.depthwise_pixels_outer && *k.depthwise_pixels_outer) s += ", pixels outer";
    return s.empty() ? "default" : s;
}

// Register tiles worth trying: 1 or 2 channel vectors, and pixel counts up to what the
// registers hold (the default), a few below it, and the most even split into as few tiles as
// fit of the pixels a tile runs along (`width`: a row, or the whole map with flat tiles): a
// 7-pixel row where 6 fit gets 4 + 3, not 6 + a 1-pixel tile.
std::vector<StageKnobs> conv_candidates(const TargetInfo &t, int width) {
    std::vector<StageKnobs> out;
    for (int vectors : {1, 2}) {
        const int fit = register_tile_pixels(t, vectors);
        const int tiles = (width + fit - 1) / fit;
        std::vector<int> pixels = {fit, fit - 1, fit - 2, fit / 2, (width + tiles - 1) / tiles};
        std::sort(pixels.begin(), pixels.end());
        pixels.erase(std::unique(pixels.begin(), pixels.end()), pixels.end());
        for (int px : pixels)
            if (px >= 1) {
                StageKnobs k;
                k.conv_vectors_per_block = vectors;
                k.conv_tile_pixels = px;
                out.push_back(k);
            }
    }
    return out;
}

}  // namespace

std::vector<StageTuning> tune_stage_knobs(const Graph &opt, const TargetInfo &target, ScheduleParams &params, int runs,
                                          const std::function<void(const std::string &)> &progress) {
    const StagePlan stages = plan_stages(opt, target, params);
    const MemoryPlan plan = plan_memory(opt, stages);
    std::vector<StageTuning> result;
    int done = 0;
    for (const StageGroup &group : stages.stages) {
        done++;
        const std::string &name = stage_name(opt, group);
        const TunableLayers tunable = tunable_layers(opt, group);
        const int conv = tunable.conv, depthwise = tunable.depthwise;
        if (!tunable.any()) continue;  // nothing these knobs change
        auto time_with = [&](const StageKnobs &k) {
            ScheduleParams p = params;
            p.stages[name] = k;
            return time_stage_ms(opt, plan, group, target, p, runs);
        };
        StageTuning t{name, "default"};
        StageKnobs best = params.stages.count(name) ? params.stages[name] : StageKnobs{};
        t.default_ms = t.best_ms = time_with(best);
        std::vector<StageKnobs> candidates;
        if (conv >= 0) {
            const Shape out = opt.layers[size_t(group.layers[size_t(conv)])].out;
            const bool flat = stage_conv_tiling(opt, group, size_t(conv), target, params.for_stage(name)).flat;
            for (const StageKnobs &k : conv_candidates(target, flat ? out.w * out.h : out.w)) {
                // A fused producer's buffer must still fit its limit (half of L2) with this tile.
                ScheduleParams p = params;
                p.stages[name] = k;
                if (stage_schedule_problem(opt, group, target, p.for_stage(name)).empty()) candidates.push_back(k);
            }
        }
        for (const StageKnobs &k : candidates) {
            const double ms = time_with(k);
            if (ms < t.best_ms) t.best_ms = ms, best = k;
        }
        if (depthwise >= 0) {
            const StageKnobs conv_best = best;
            for (bool pixels_outer : {false, true})
                for (int run : {2, 4, 8}) {
                    StageKnobs k = conv_best;
                    k.depthwise_pixel_run = run;
                    k.depthwise_pixels_outer = pixels_outer;
                    const double ms = time_with(k);
                    if (ms < t.best_ms) t.best_ms = ms, best = k;
                }
        }
        if (t.best_ms < t.default_ms * kMargin) {
            params.stages[name] = best;
            t.chosen = describe(best);
        } else {
            t.best_ms = t.default_ms;
        }
        char line[512];
        std::snprintf(line, sizeof line, "[%d/%zu] %s: default %.3f ms%s%s", done, stages.stages.size(), name.c_str(), t.default_ms,
                      t.chosen == "default" ? ", kept" : (", " + t.chosen + " " + std::to_string(t.best_ms).substr(0, 5) + " ms").c_str(), "");
        if (progress) progress(line);
        result.push_back(t);
    }
    return result;
}

}  // namespace netc
