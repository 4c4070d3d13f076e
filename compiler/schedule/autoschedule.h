// Halide 14's own autoschedulers (Adams2019, Li2018, Mullapudi2016, the plugins Debian ships),
// applied to a stage's Funcs instead of netc's templates: the baselines `netc tune` times its
// schedules against, and a schedule file's "autoscheduler" for anyone who wants to compare.
// Each stage is one pipeline (the stage plan's fusion decides what shares one), with its
// fixed shapes given to the autoscheduler as estimates; it sees the same algorithm the
// templates schedule, nothing else.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "target/target.h"

namespace netc {

// The names a schedule file may give, as Halide spells them.
const std::vector<std::string> &autoscheduler_names();

// Why `name` cannot be used here ("" if it can): not one of the three, or its plugin missing.
std::string autoscheduler_problem(const std::string &name);

// Schedules `pipeline` (whose output and ImageParams must have their estimates set) with the
// named autoscheduler for `parallelism` cores, the target's L2 as the cache a working set should
// fit (as netc's templates use it) and Halide's default balance (40); the plugin is loaded on
// first use. Returns the schedule as Halide's
// C++ source, for the curious (compile --emit-stmt keeps it beside the .stmt). Errors name
// the schedule file and the stage.
std::string apply_autoscheduler(Halide::Pipeline &pipeline, const std::string &name, const TargetInfo &t, int parallelism,
                                const std::string &file, const std::string &stage);

}  // namespace netc
