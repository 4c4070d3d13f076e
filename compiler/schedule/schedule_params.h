// The knobs of the default schedules, per target: schedules/<target>.json (docs in
// schedules/README.md). The schedule templates (default_schedule.cpp) read them; the
// defaults below are what the files for the x86 targets say, so a missing file changes nothing.
#pragma once

#include <string>

namespace netc {

struct ScheduleParams {
    int conv_vectors_per_block = 2;   // output-channel vectors per register tile (1 or 2)
    int conv_tile_pixels = 0;         // pixels per register tile; 0: as many as the registers allow
    double cache_fraction = 0.5;      // share of L2 a reused working set (weights, input) may take
    int depthwise_pixel_run = 4;      // unrolled neighbouring pixels per depthwise step
    int reduction_parallel_min_vectors = 4;  // dense / global pool: split channel vectors across cores from this many
    std::string source = "built-in defaults";
};

// Reads and checks a schedule file; errors name the file and the field.
ScheduleParams load_schedule_params(const std::string &path);

// schedules/<target>.json (under NETC_HOME if set, else the source tree), or "" if there is none.
std::string default_schedule_file(const std::string &target_name);

}  // namespace netc
