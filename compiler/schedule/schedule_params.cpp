#include "schedule/schedule_params.h"

#include <cstdlib>
#include <set>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/command.h"
#include "spec/field_reader.h"

namespace netc {

namespace {

int int_in(const FieldReader &r, const std::string &f, int dflt, int lo, int hi) {
    if (!r.has(f)) return dflt;
    const json &v = r.at(f);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        r.error(f, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + v.dump());
    return v.get<int>();
}

}  // namespace

ScheduleParams load_schedule_params(const std::string &path) {
    std::ifstream f(path);
    if (!f) fail(path, "", "", "cannot open the schedule file");
    std::stringstream ss;
    ss << f.rdbuf();
    json root;
    try {
        root = json::parse(ss.str());
    } catch (const json::parse_error &e) {
        fail(path, "", "", std::string("malformed JSON: ") + e.what());
    }
    if (!root.is_object()) fail(path, "", "", "expected a JSON object");
    FieldReader top(root, path, "", "");
    top.reject_unknown({"netc_schedule", "target", "description", "conv", "depthwise", "reduction"});
    if (!root.contains("netc_schedule") || root["netc_schedule"] != 1) top.error("netc_schedule", "expected 1 (the format version)");
    ScheduleParams p;
    p.source = path;
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
        p.conv_vectors_per_block = int_in(r, "vectors_per_block", p.conv_vectors_per_block, 1, 2);
        p.conv_tile_pixels = int_in(r, "tile_pixels", p.conv_tile_pixels, 0, 64);
        if (r.has("cache_fraction")) {
            const json &v = r.at("cache_fraction");
            if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 4) r.error("cache_fraction", "expected a number in (0, 4], got " + v.dump());
            p.cache_fraction = v.get<double>();
        }
    }
    {
        FieldReader r = section("depthwise", {"pixel_run"});
        p.depthwise_pixel_run = int_in(r, "pixel_run", p.depthwise_pixel_run, 1, 16);
    }
    {
        FieldReader r = section("reduction", {"parallel_min_vectors"});
        p.reduction_parallel_min_vectors = int_in(r, "parallel_min_vectors", p.reduction_parallel_min_vectors, 1, 1 << 20);
    }
    return p;
}

std::string default_schedule_file(const std::string &target_name) {
    const std::string path = netc_path("schedules", NETC_SCHEDULES_DIR) + "/" + target_name + ".json";
    return std::filesystem::exists(path) ? path : "";
}

}  // namespace netc
