// One round of `netc tune`'s search, timed as it ships: the whole model compiled ahead of time
// with the round's knobs (exactly what `netc compile` writes), run by netc's runtime and thread
// pool through the target's executor (this process, or a user's runner on a device), checked
// against the reference interpreter on a small input, then each stage timed in every run.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

struct RoundTiming {
    double compile_seconds = 0;
    bool ok = false;
    std::string note;                           // why not ok (a miscomputed output, a failed build)
    std::vector<std::string> stage_names;
    std::vector<std::vector<double>> stage_ms;  // [stage][run]
    double model_ms = 0;                        // the median of the runs' sums
};

// `scratch` receives the build (generated/<model>/<target>/ under it). `reference` holds the
// reference interpreter's outputs for `input`; a compiled output further than 1e-4 (relative)
// from it makes the round not ok, its timings unused.
RoundTiming time_round(const Graph &unfused, const TargetInfo &t, const ScheduleParams &params, const std::string &scratch, int threads,
                       int runs, const std::vector<float> &input, const std::vector<std::vector<float>> &reference);

// Whole-model medians of several schedules, each built and checked as a round is, then timed
// in turns (a block of runs of each, `blocks` times over), so that the machine's changing load
// falls on all of them alike: what the tuner's closing table reports. A schedule whose build
// fails or miscomputes is not timed: its `note` says why (ms 0). With `per_stage`, every stage
// is timed in every run too (the runtime's per-stage clock; `ms` is then the median of the
// runs' stage sums).
struct ScheduleTiming {
    double ms = 0;
    std::string note;
    std::vector<std::string> stage_names;       // per_stage only
    std::vector<std::vector<double>> stage_ms;  // [stage][run], per_stage only
};
std::vector<ScheduleTiming> compare_schedules(const Graph &unfused, const TargetInfo &t, const std::vector<ScheduleParams> &schedules,
                                              const std::string &scratch, int threads, int runs_per_block, int blocks,
                                              const std::vector<float> &input, const std::vector<std::vector<float>> &reference,
                                              bool per_stage = false);

}  // namespace netc
