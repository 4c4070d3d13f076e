// `netc tune --search`: rounds of the search (stage_search.h), each timed as it ships
// (time_round.h), every trial appended to the log as it is measured (trial_log.h), until the
// budget is spent; then the best setting of each stage signature (which tune/baselines.h times
// against the base schedule and the other baselines).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "schedule/schedule_params.h"
#include "target/target.h"
#include "tune/trial_log.h"

namespace netc {

struct SearchOptions {
    int threads = 1;
    int runs = 15;                 // timed runs per round (after 3 warm-up runs)
    double budget_seconds = 1200;  // stop starting rounds after this
    int rounds = 0;                // or after this many (0: the budget decides)
    uint64_t seed = 1;
    std::string log;               // the trial log (appended)
    bool resume = false;           // continue from the log's trials
    std::string scratch;           // where each round's build goes (removed after the round)
    std::vector<float> input;      // what every round computes, checked against the reference interpreter
    std::function<void(const std::string &)> progress;
};

struct SearchResult {
    ScheduleParams params;   // the base with each searched stage's best setting
    std::vector<Trial> trials;
    int rounds = 0;          // rounds measured in this run
    int resumed = 0;         // trials taken from the log
    int changed = 0;         // stages whose setting is not the base's
    int reverted = 0;        // signatures whose best setting was not confirmed (timed again against the base)
};

SearchResult tune_search(const Graph &unfused, const TargetInfo &t, const ScheduleParams &base, const SearchOptions &o);

}  // namespace netc
