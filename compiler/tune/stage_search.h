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

// A stage the search tunes: its knobs change how it runs, never what it computes.
struct SearchStage {
    std::string name;               // its output layer's (the runtime's stage name)
    std::string signature;          // stage_signature
    int tile_width = 0;             // the pixels a conv register tile runs along (a row, or the whole map); 0: no conv
    std::vector<StageKnobs> space;  // every setting the templates accept; space[0] is the base schedule's
};

// The stage's ops, their attributes and shapes, in a line: equal signatures, the same work.
std::string stage_signature(const Graph &g, const StageGroup &s);

// The stages of `opt` as `base` plans them that have knobs (a conv or a depthwise conv), each
// with its search space for target `t`.
std::vector<SearchStage> search_stages(const Graph &opt, const TargetInfo &t, const ScheduleParams &base);

// The knobs of one setting as a trial records them, and back.
nlohmann::ordered_json knobs_to_json(const StageKnobs &k);
StageKnobs knobs_from_json(const nlohmann::json &j);

// Ridge regression of log(ms) on a setting's features (channel vectors, tile pixels and the
// share of a row's tiles left part-empty, the depthwise run and its order), for one signature.
class StageCostModel {
public:
    StageCostModel(int tile_width) : tile_width_(tile_width) {}
    void fit(const std::vector<std::pair<StageKnobs, double>> &measured_ms);
    double predict_ms(const StageKnobs &k) const;
    bool fitted() const { return !weights_.empty(); }

private:
    std::vector<double> features(const StageKnobs &k) const;
    int tile_width_;
    std::vector<double> weights_;
};

// The settings to compile in round `round`, by signature, given every trial so far (of this
// model, target and device). Round 0 is the base schedule, the baseline. A signature whose
// space is exhausted proposes its best measured setting again (another sample of it).
std::map<std::string, StageKnobs> propose_round(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials, uint64_t seed,
                                                int round);

// The best measured setting per signature (the lowest median of its ok trials; a setting
// measured several times counts by the median of its medians), and that time.
struct BestSetting {
    StageKnobs knobs;
    double ms = 0;
    int trials = 0;
};
std::map<std::string, BestSetting> best_settings(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials);

}  // namespace netc
