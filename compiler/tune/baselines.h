// How `netc tune --search` ends: the tuned schedule timed against what a user would have
// without it, in this process, on this device, at the same thread count (docs/tuning.md):
//   default        the target's schedule (what the search started from)
//   greedy         netc's older tuner: each fusable boundary, then each stage's register tile,
//                  timed one at a time with the JIT, kept when faster (tune_fusion, tune_knobs)
//   Adams2019, Li2018, Mullapudi2016
//                  Halide 14's autoschedulers on the same stage pipelines (schedule/autoschedule.h)
//   onnxruntime    ONNX Runtime on the same network, weights and input (exec/onnxruntime_baseline.h)
// netc's schedules are built as they ship and timed in turns (time_round.h compare_schedules);
// ONNX Runtime runs in its own process after them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/schedule_params.h"
#include "target/target.h"

namespace netc {

// Every baseline, in the table's order.
const std::vector<std::string> &baseline_names();

struct BaselineTiming {
    std::string name;  // "tuned" first, then the baselines asked for
    double ms = 0;     // median; 0 if it could not be timed
    std::string note;  // why not, or what it was (the greedy tuner's time)
};

struct BaselineOptions {
    int threads = 1;
    int runs = 15;  // per block of the turns (6 blocks), and the greedy tuner's runs per candidate
    std::string scratch;
    std::vector<float> input;
    std::function<void(const std::string &)> progress;
};

// `names` from baseline_names(). A tuned schedule that fails to build or miscomputes is a
// CompileError; a baseline that does is a row with its note.
std::vector<BaselineTiming> time_against_baselines(const Graph &unfused, const TargetInfo &t, const ScheduleParams &tuned,
                                                   const ScheduleParams &base, const std::vector<std::string> &names, const BaselineOptions &o);

}  // namespace netc
