// The search behind `netc tune` (docs/tuning.md), as pure functions of what was measured: each
// round proposes one knob setting per stage *signature* (stages of the same ops and shapes
// share their measurements), all of them compiled together into one build of the model and
// timed stage by stage. A cost model fitted on the signature's trials so far (ridge regression
// of log time on the knobs' features) picks the candidate it predicts fastest among those not
// yet measured; a seeded share of rounds explores at random instead, so that a wrong model
// cannot keep the search away from a region. The same seed and the same measurements give the
// same proposals, hence the same schedule.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/plan_stages.h"
#include "schedule/schedule_params.h"
#include "target/target.h"
#include "tune/trial_log.h"

namespace netc {

// One setting of a unit: which of its boundaries are fused (by position in `boundaries`, so that
// units of one signature share it), and the knobs every stage it is split into takes (a stage
// uses those that apply to it: a conv's register tile, a depthwise conv's pixel run, where a
// fused layer is computed, the strips of a fused expand conv).
struct StageSetting {
    std::vector<bool> fuse;
    StageKnobs knobs;
};

// A unit the search tunes: the layers one stage holds when every boundary the search may fuse
// is fused (an inverted residual's expand conv, depthwise conv and project conv with its add;
// a depthwise conv and the pointwise conv after it), which its settings split into one or
// more stages. Its time in a build is the sum of those stages'.
struct SearchStage {
    std::string name;               // its output layer's (the name of its last stage in the runtime)
    std::string signature;          // stage_signature of all its layers
    int tile_width = 0;             // the pixels its last conv's register tile runs along (a row, or the whole map); 0: no conv
    std::vector<int> layers;        // the unit's layers, in order (indices into the optimised graph)
    std::vector<int> boundaries;    // its layers whose fusion into the next layer is searched (a depthwise conv or
                                    // squeeze-excite scale into its pointwise conv; an expand conv into its depthwise conv)
    std::vector<StageSetting> space;        // every setting the templates accept; space[0] is the base schedule's
};

// The stage's ops, their attributes and shapes, in a line: equal signatures, the same work.
std::string stage_signature(const Graph &g, const StageGroup &s);

// The units of `opt` with knobs or fusion to search (a conv or a depthwise conv in them), each
// with its search space for target `t`, starting from `base`.
std::vector<SearchStage> search_stages(const Graph &opt, const TargetInfo &t, const ScheduleParams &base);

// `base` with each unit's setting (by signature) in place: its boundaries' fusion in
// fuse_layers, its knobs under the name of every stage it is split into.
ScheduleParams with_settings(const Graph &opt, const TargetInfo &t, const ScheduleParams &base, const std::vector<SearchStage> &stages,
                             const std::map<std::string, StageSetting> &by_signature);

// Each unit's milliseconds in each run of a build: the sum of its stages' (`stage_ms` is
// [stage][run] for the build's `stage_names`, as the runtime names them). Empty for a unit
// none of whose stages the build has.
std::vector<std::vector<double>> unit_times(const Graph &opt, const std::vector<SearchStage> &stages, const std::vector<std::string> &stage_names,
                                            const std::vector<std::vector<double>> &stage_ms);

// A setting as a trial records it, and back.
nlohmann::ordered_json setting_to_json(const StageSetting &s);
StageSetting setting_from_json(const nlohmann::json &j);
// The knobs alone (a setting's, or a stage's in a schedule file).
nlohmann::ordered_json knobs_to_json(const StageKnobs &k);
StageKnobs knobs_from_json(const nlohmann::json &j);

// Ridge regression of log(ms) on a setting's features (which boundaries are fused, channel
// vectors, tile pixels and the share of a row's tiles left part-empty, the depthwise run and
// its order, where a fused layer is computed, expand strips), for one signature.
class StageCostModel {
public:
    StageCostModel(int tile_width) : tile_width_(tile_width) {}
    void fit(const std::vector<std::pair<StageSetting, double>> &measured_ms);
    double predict_ms(const StageSetting &s) const;
    bool fitted() const { return !weights_.empty(); }

private:
    std::vector<double> features(const StageSetting &s) const;
    int tile_width_;
    std::vector<double> weights_;
};

// The settings to compile in round `round`, by signature, given every trial so far (of this
// model, target and device). Round 0 is the base schedule, the baseline. Every fifth round, and
// once a signature's space is exhausted, it proposes its best measured setting again (another
// sample of it).
std::map<std::string, StageSetting> propose_round(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials, uint64_t seed,
                                                int round);

// The best measured setting per signature (the lowest median of its ok trials; a setting
// measured several times counts by the median of its medians), and that time.
struct BestSetting {
    StageSetting setting;
    double ms = 0;
    int trials = 0;
};
std::map<std::string, BestSetting> best_settings(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials);

// The choices to keep once confirmed: each signature's `chosen` setting, unless its units,
// timed in a build of the chosen settings and one of the base in turns ([unit][run] each,
// as unit_times gives), were not faster by the factor `margin` (0.98: 2% faster) than with the
// base setting: then the base setting. `reverted` counts those.
std::map<std::string, StageSetting> confirmed_choices(const std::vector<SearchStage> &stages, const std::map<std::string, StageSetting> &chosen,
                                                      const std::vector<std::vector<double>> &chosen_unit_ms,
                                                      const std::vector<std::vector<double>> &base_unit_ms, double margin, int &reverted);

}  // namespace netc
