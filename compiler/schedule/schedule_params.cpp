#include "schedule/schedule_params.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <filesystem>

#include "io/command.h"
#include "io/read_file.h"
#include "schedule/autoschedule.h"
#include "spec/field_reader.h"
#include "spec/parse_json.h"
#include "tune/device_fingerprint.h"

namespace netc {

namespace {

int int_in(const FieldReader &r, const std::string &f, int dflt, int lo, int hi) {
    if (!r.has(f)) return dflt;
    const json &v = r.at(f);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        r.error(f, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + v.dump());
    return v.get<int>();
}

// conv.vectors_per_block / conv.tile_pixels / depthwise.pixel_run: the knobs a stage may set
// for itself, read the same way at the top level and under "stages".
void read_stage_knobs(const FieldReader &conv, const FieldReader &depthwise, StageKnobs &k) {
    if (conv.has("vectors_per_block")) k.conv_vectors_per_block = int_in(conv, "vectors_per_block", 0, 1, 2);
    if (conv.has("tile_pixels")) k.conv_tile_pixels = int_in(conv, "tile_pixels", 0, 0, 64);
    if (depthwise.has("pixel_run")) k.depthwise_pixel_run = int_in(depthwise, "pixel_run", 0, 1, 16);
    if (depthwise.has("pixels_outer")) {
        if (!depthwise.at("pixels_outer").is_boolean()) depthwise.error("pixels_outer", "expected true or false, got " + depthwise.at("pixels_outer").dump());
        k.depthwise_pixels_outer = depthwise.at("pixels_outer").get<bool>();
    }
}

// fusion.producer_at / fusion.expand_strips: a stage's own, or the file's for every stage.
void read_fusion_knobs(const FieldReader &fusion, StageKnobs &k) {
    if (fusion.has("expand_strips")) k.expand_strips = int_in(fusion, "expand_strips", 0, 1, 64);
    if (fusion.has("producer_at")) {
        const json &m = fusion.at("producer_at");
        if (m != "row" && m != "tile") fusion.error("producer_at", "expected \"row\" or \"tile\", got " + m.dump());
        k.fused_producer_rows = m == "row";
    }
}

void apply(const StageKnobs &k, ScheduleParams &p) {
    if (k.conv_vectors_per_block) p.conv_vectors_per_block = *k.conv_vectors_per_block;
    if (k.conv_tile_pixels) p.conv_tile_pixels = *k.conv_tile_pixels;
    if (k.depthwise_pixel_run) p.depthwise_pixel_run = *k.depthwise_pixel_run;
    if (k.depthwise_pixels_outer) p.depthwise_pixels_outer = *k.depthwise_pixels_outer;
    if (k.fused_producer_rows) p.fused_producer_rows = *k.fused_producer_rows;
    if (k.expand_strips) p.expand_strips = *k.expand_strips;
}

}  // namespace

ScheduleParams ScheduleParams::for_stage(const std::string &name) const {
    ScheduleParams p = *this;
    const auto it = stages.find(name);
    if (it != stages.end()) apply(it->second, p);
    return p;
}

ScheduleParams load_schedule_params(const std::string &path) {
    const std::string text = read_file(path, "schedule file");
    const json root = parse_json(text, path);
    if (!root.is_object()) fail(path, "", "", "expected a JSON object");
    FieldReader top(root, path, "", "");
    top.reject_unknown({"netc_schedule", "target", "description", "conv", "depthwise", "reduction", "fusion", "stages", "model", "model_fingerprint", "tuned", "autoscheduler"});
    if (!root.contains("netc_schedule") || root["netc_schedule"] != 1) top.error("netc_schedule", "expected 1 (the format version)");
    ScheduleParams p;
    p.source = path;
    if (root.contains("model_fingerprint")) {
        if (!root["model_fingerprint"].is_string()) top.error("model_fingerprint", "expected a string (as `netc tune` writes it)");
        p.model_fingerprint = root["model_fingerprint"].get<std::string>();
    }
    if (root.contains("tuned") && root["tuned"].is_object() && root["tuned"].contains("device_fingerprint")) {
        DeviceFingerprint d = device_fingerprint_from_json(root["tuned"]["device_fingerprint"], path);
        p.tuned_device = d.describe();
        d.threads = 0;  // the device, whatever the thread count it was timed at
        p.tuned_device_id = d.id();
    }
    auto section = [&](const char *name, const std::set<std::string> &fields) -> FieldReader {
        static const json empty = json::object();
        const json &s = root.contains(name) ? root[name] : empty;
        if (!s.is_object()) top.error(name, "expected an object");
        FieldReader r(s, path, "", name);
        r.reject_unknown(fields);
        return r;
    };
    {
        FieldReader r = section("conv", {"vectors_per_block", "tile_pixels", "cache_fraction"});
        StageKnobs top_knobs;
        read_stage_knobs(r, section("depthwise", {"pixel_run", "pixels_outer"}), top_knobs);
        apply(top_knobs, p);
        if (r.has("cache_fraction")) {
            const json &v = r.at("cache_fraction");
            if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 4) r.error("cache_fraction", "expected a number in (0, 4], got " + v.dump());
            p.cache_fraction = v.get<double>();
        }
    }
    {
        FieldReader r = section("reduction", {"parallel_min_vectors"});
        p.reduction_parallel_min_vectors = int_in(r, "parallel_min_vectors", p.reduction_parallel_min_vectors, 1, 1 << 20);
    }
    if (root.contains("stages")) {
        const json &stages = root["stages"];
        if (!stages.is_object()) top.error("stages", "expected an object of stage name: {\"conv\": {...}, \"depthwise\": {...}}");
        for (auto it = stages.begin(); it != stages.end(); ++it) {
            const std::string where = "stages." + it.key();
            if (!it.value().is_object()) top.error(where, "expected an object");
            FieldReader stage(it.value(), path, it.key(), where);
            stage.reject_unknown({"conv", "depthwise", "fusion"});
            static const json empty = json::object();
            const json &conv = it.value().contains("conv") ? it.value()["conv"] : empty;
            const json &dw = it.value().contains("depthwise") ? it.value()["depthwise"] : empty;
            const json &fusion = it.value().contains("fusion") ? it.value()["fusion"] : empty;
            if (!conv.is_object()) stage.error("conv", "expected an object");
            if (!dw.is_object()) stage.error("depthwise", "expected an object");
            if (!fusion.is_object()) stage.error("fusion", "expected an object");
            FieldReader rc(conv, path, it.key(), where + ".conv"), rd(dw, path, it.key(), where + ".depthwise"),
                rf(fusion, path, it.key(), where + ".fusion");
            rc.reject_unknown({"vectors_per_block", "tile_pixels"});
            rd.reject_unknown({"pixel_run", "pixels_outer"});
            rf.reject_unknown({"producer_at", "expand_strips"});
            read_stage_knobs(rc, rd, p.stages[it.key()]);
            read_fusion_knobs(rf, p.stages[it.key()]);
        }
    }
    {
        FieldReader r = section("fusion", {"mode", "producer_at", "expand_strips", "layers"});
        StageKnobs top_fusion;
        read_fusion_knobs(r, top_fusion);
        apply(top_fusion, p);
        if (r.has("mode")) {
            const json &m = r.at("mode");
            if (m == "auto") p.fusion = FusionMode::Auto;
            else if (m == "all") p.fusion = FusionMode::All;
            else if (m == "none") p.fusion = FusionMode::None;
            else r.error("mode", "expected \"auto\", \"all\" or \"none\", got " + m.dump());
        }
        if (r.has("layers")) {
            const json &layers = r.at("layers");
            if (!layers.is_object()) r.error("layers", "expected an object of layer name: true or false");
            for (auto it = layers.begin(); it != layers.end(); ++it) {
                if (!it.value().is_boolean()) r.error("layers." + it.key(), "expected true or false, got " + it.value().dump());
                p.fuse_layers[it.key()] = it.value().get<bool>();
            }
        }
    }
    if (root.contains("autoscheduler")) {
        FieldReader r = section("autoscheduler", {"name", "parallelism"});
        if (!r.has("name") || !r.at("name").is_string())
            r.error("name", "expected the autoscheduler's name: \"Adams2019\", \"Li2018\" or \"Mullapudi2016\"");
        p.autoscheduler = r.at("name").get<std::string>();
        const std::string problem = autoscheduler_problem(p.autoscheduler);
        if (!problem.empty()) r.error("name", problem);
        p.autoscheduler_parallelism = int_in(r, "parallelism", 0, 1, 1024);
    }
    return p;
}

namespace {

// The "model_fingerprint" of a tuned file, "" if it records none.
std::string fingerprint_of_file(const std::string &path) {
    const json root = parse_json(read_file(path, "schedule file"), path);
    if (!root.is_object()) fail(path, "", "", "expected a JSON object");
    if (!root.contains("model_fingerprint")) return "";
    if (!root["model_fingerprint"].is_string()) fail(path, "", "model_fingerprint", "expected a string (as `netc tune` writes it)");
    return root["model_fingerprint"].get<std::string>();
}

}  // namespace

std::string default_schedule_file(const std::string &target_name, const std::string &model, const std::string &fingerprint,
                                  const std::function<void(const std::string &)> &notice) {
    namespace fs = std::filesystem;
    const std::string dir = netc_path("schedules", NETC_SCHEDULES_DIR);
    // A target with optional features ("arm-64-linux-arm_dot_prod") falls back to its base
    // target's files: the features change instructions, not the tiles that suit the core.
    for (std::string name = target_name; !name.empty();) {
        const fs::path tuned_dir = fs::path(dir) / name;
        std::error_code ec;
        if (!fingerprint.empty() && fs::is_directory(tuned_dir, ec)) {
            std::vector<fs::path> files;
            for (const auto &e : fs::directory_iterator(tuned_dir, ec))
                if (e.path().extension() == ".json") files.push_back(e.path());
            std::sort(files.begin(), files.end());  // the same choice on every machine
            // The model's own name first: the usual case, and the one file to explain if passed over.
            const fs::path named = tuned_dir / (model + ".json");
            std::stable_partition(files.begin(), files.end(), [&](const fs::path &f) { return f == named; });
            for (const fs::path &f : files)
                if (fingerprint_of_file(f.string()) == fingerprint) return f.string();
            if (fs::exists(named) && notice)
                notice(named.string() + " was tuned for another model (its layers or shapes differ from " + model +
                       "'s, fingerprint " + fingerprint + "): using the target's schedule instead");
        }
        const std::string target_file = dir + "/" + name + ".json";
        if (fs::exists(target_file)) return target_file;
        const size_t dash = name.rfind('-');
        name = dash == std::string::npos ? "" : name.substr(0, dash);
    }
    return "";
}

std::string tuned_schedule_file(const std::string &target_name, const std::string &model) {
    return netc_path("schedules", NETC_SCHEDULES_DIR) + "/" + target_name + "/" + model + ".json";
}

ScheduleParams schedule_params_for(const std::string &target_name, const std::string &model, const std::string &fingerprint,
                                   const std::string &file, const std::function<void(const std::string &)> &notice) {
    if (!file.empty()) {
        ScheduleParams p = load_schedule_params(file);
        if (!p.model_fingerprint.empty() && !fingerprint.empty() && p.model_fingerprint != fingerprint)
            fail(file, "", "model_fingerprint",
                 "this schedule was tuned for another model (" + p.model_fingerprint + "); " + model + " is " + fingerprint +
                     ": tune it (netc tune) or pass a target's schedule (schedules/" + target_name + ".json)");
        return p;
    }
    const std::string path = default_schedule_file(target_name, model, fingerprint, notice);
    return path.empty() ? ScheduleParams{} : load_schedule_params(path);
}

nlohmann::ordered_json stage_knobs_json(const StageKnobs &k) {
    nlohmann::ordered_json e = nlohmann::ordered_json::object();
    if (k.conv_vectors_per_block) e["conv"]["vectors_per_block"] = *k.conv_vectors_per_block;
    if (k.conv_tile_pixels) e["conv"]["tile_pixels"] = *k.conv_tile_pixels;
    if (k.depthwise_pixel_run) e["depthwise"]["pixel_run"] = *k.depthwise_pixel_run;
    if (k.depthwise_pixels_outer) e["depthwise"]["pixels_outer"] = *k.depthwise_pixels_outer;
    if (k.fused_producer_rows) e["fusion"]["producer_at"] = *k.fused_producer_rows ? "row" : "tile";
    if (k.expand_strips) e["fusion"]["expand_strips"] = *k.expand_strips;
    return e;
}

nlohmann::ordered_json schedule_to_json(const ScheduleParams &p) {
    nlohmann::ordered_json j;
    j["netc_schedule"] = 1;
    j["conv"] = {{"vectors_per_block", p.conv_vectors_per_block}, {"tile_pixels", p.conv_tile_pixels}, {"cache_fraction", p.cache_fraction}};
    j["depthwise"] = {{"pixel_run", p.depthwise_pixel_run}, {"pixels_outer", p.depthwise_pixels_outer}};
    j["reduction"] = {{"parallel_min_vectors", p.reduction_parallel_min_vectors}};
    const char *mode = p.fusion == FusionMode::All ? "all" : p.fusion == FusionMode::None ? "none" : "auto";
    j["fusion"] = {{"mode", mode}, {"producer_at", p.fused_producer_rows ? "row" : "tile"}, {"expand_strips", p.expand_strips}};
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (const auto &[name, fuse] : p.fuse_layers) layers[name] = fuse;
    j["fusion"]["layers"] = layers;
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (const auto &[name, k] : p.stages) {
        if (k.empty()) continue;
        stages[name] = stage_knobs_json(k);
    }
    j["stages"] = stages;
    if (!p.autoscheduler.empty()) {
        j["autoscheduler"] = {{"name", p.autoscheduler}};
        if (p.autoscheduler_parallelism > 0) j["autoscheduler"]["parallelism"] = p.autoscheduler_parallelism;
    }
    return j;
}

}  // namespace netc
