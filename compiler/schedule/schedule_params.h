// The knobs of the default schedules, per target: schedules/<target>.json (docs in
// schedules/README.md). The schedule templates (default_schedule.cpp) read them; the
// defaults below are what the files for the x86 targets say, so a missing file changes nothing.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace netc {

// Which fusable boundaries plan_stages fuses (schedule/plan_stages.h).
enum class FusionMode { Auto, All, None };

// One stage's own values of the knobs (what `netc tune` measured for it); unset: the file's.
struct StageKnobs {
    std::optional<int> conv_vectors_per_block, conv_tile_pixels, depthwise_pixel_run;
    std::optional<bool> depthwise_pixels_outer;
    std::optional<bool> fused_producer_rows;  // fusion.producer_at, for this stage
    std::optional<int> expand_strips;         // fusion.expand_strips, for this stage
    bool empty() const {
        return !conv_vectors_per_block && !conv_tile_pixels && !depthwise_pixel_run && !depthwise_pixels_outer && !fused_producer_rows &&
               !expand_strips;
    }
};

struct ScheduleParams {
    int conv_vectors_per_block = 2;   // output-channel vectors per register tile (1 or 2)
    int conv_tile_pixels = 0;         // pixels per register tile; 0: as many as the registers allow
    double cache_fraction = 0.5;      // share of L2 a reused working set (weights, input) may take
    int depthwise_pixel_run = 4;      // unrolled neighbouring pixels per depthwise step
    bool depthwise_pixels_outer = false;  // depthwise: runs of pixels outside channel blocks (false: inside)
    int reduction_parallel_min_vectors = 4;  // dense / global pool: split channel vectors across cores from this many
    FusionMode fusion = FusionMode::Auto;
    bool fused_producer_rows = true;  // a fused producer is computed per row of its conv (false: per pixel tile)
    int expand_strips = 2;            // a stage with a fused expand conv: strips of rows run in parallel
    std::map<std::string, bool> fuse_layers;  // per layer: fuse it into the layer after it (or not)
    std::map<std::string, StageKnobs> stages;  // per stage, by its name (its output layer)
    // Halide's autoscheduler of this name (schedule/autoschedule.h) schedules every stage
    // instead of the templates, for `parallelism` cores (0: the CPUs this process may use).
    // "": netc's templates. The baselines `netc tune` compares against.
    std::string autoscheduler;
    int autoscheduler_parallelism = 0;
    std::string source = "built-in defaults";
    // A tuned file's "model_fingerprint" (model_fingerprint.h): the model it was tuned for; ""
    // in a target's file, which suits any model.
    std::string model_fingerprint;
    // A tuned file's "tuned.device_fingerprint" (tune/device_fingerprint.h): the device its
    // measurements were taken on, as an id without the thread count and in words; "" if none.
    std::string tuned_device_id, tuned_device;

    // The knobs stage `name` is scheduled with: these, with its own values in place.
    ScheduleParams for_stage(const std::string &name) const;
};

// Reads and checks a schedule file; errors name the file and the field.
ScheduleParams load_schedule_params(const std::string &path);

// The file a model compiles with when none is named: the tuned file in schedules/<target>/
// (written by `netc tune`) whose "model_fingerprint" is the model's, whatever its file name;
// else schedules/<target>.json; else "" (the built-in defaults). A target with optional
// features falls back to its base target's files. Under NETC_HOME if set, else the source
// tree. `notice` (may be empty) hears, in one line, of a tuned file named after the model
// that is passed over because it was tuned for another graph.
std::string default_schedule_file(const std::string &target_name, const std::string &model, const std::string &fingerprint,
                                  const std::function<void(const std::string &)> &notice = {});

// Where `netc tune` writes a model's schedule by default: schedules/<target>/<model>.json.
std::string tuned_schedule_file(const std::string &target_name, const std::string &model);

// `file` if given (an error if it was tuned for another model), else default_schedule_file's
// choice, else the built-in defaults.
ScheduleParams schedule_params_for(const std::string &target_name, const std::string &model, const std::string &fingerprint,
                                   const std::string &file, const std::function<void(const std::string &)> &notice = {});

// A stage's own knobs as a schedule file's "stages" entry writes them: {"conv": {...}, "depthwise": {...}}.
nlohmann::ordered_json stage_knobs_json(const StageKnobs &k);

// The knobs as a schedule file's JSON (every field written, so the file stands alone).
nlohmann::ordered_json schedule_to_json(const ScheduleParams &p);

}  // namespace netc
