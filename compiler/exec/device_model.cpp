#include "exec/device_model.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "target/executor.h"

namespace netc {

namespace fs = std::filesystem;

namespace {

std::vector<float> read_floats(const fs::path &p) {
    const std::string b = read_file(p.string(), "output the program wrote");
    std::vector<float> v(b.size() / 4);
    std::memcpy(v.data(), b.data(), v.size() * 4);
    return v;
}

}  // namespace

DeviceModel::DeviceModel(const std::string &dir, const std::string &model, const TargetInfo &t)
    : dir_(dir), program_(model + "_runner"), target_(t) {
    if (!fs::exists(fs::path(dir) / program_))
        fail(dir, "", "", "has no " + program_ + " (compiled by an older netc?); recompile with `netc compile --target " + t.name + "`");
    require_executor(t);
    std::ifstream meta(fs::path(dir) / (model + ".json"));
    const nlohmann::json m = nlohmann::json::parse(meta, nullptr, false);
    if (m.is_object() && m.contains("c_api") && m["c_api"].is_object() && m["c_api"].value("batch", 1) > 1) batch_ = m["c_api"]["batch"].get<int>();
    work_root_ = (fs::temp_directory_path() / ("netc_device_" + std::to_string(::getpid()) + "_" + model)).string();
}

DeviceModel::~DeviceModel() {
    std::error_code ec;
    fs::remove_all(work_root_, ec);
}

DeviceModel::Result DeviceModel::call(const std::vector<float> &input, const std::vector<std::string> &extra_args, bool want_outputs) {
    // A fresh directory per call: a runner copies it whole to the device and back.
    const fs::path work = fs::path(work_root_) / std::to_string(++calls_);
    std::error_code ec;
    fs::create_directories(work, ec);
    if (ec) fail(work.string(), "", "", "cannot create a working directory: " + ec.message());
    fs::copy_file(fs::path(dir_) / program_, work / program_, fs::copy_options::overwrite_existing, ec);
    if (ec) fail((fs::path(dir_) / program_).string(), "", "", "cannot copy: " + ec.message());
    std::vector<std::string> args = {"--threads", std::to_string(threads_)};
    if (!input.empty()) {
        args.insert(args.end(), {"--input", "input.f32"});
        std::ofstream in(work / "input.f32", std::ios::binary);
        in.write(reinterpret_cast<const char *>(input.data()), std::streamsize(input.size() * 4));
        if (!in) fail((work / "input.f32").string(), "", "", "cannot write");
    }
    if (want_outputs) args.insert(args.end(), {"--outputs", "output"});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const std::string out = run_on_target(target_, work.string(), program_, args);

    Result r;
    std::istringstream lines(out);
    std::string line;
    bool done = false, header = false;
    while (std::getline(lines, line)) {
        std::istringstream w(line);
        std::string key;
        w >> key;
        if (key == "netc_runner") header = true;
        else if (key == "target") w >> r.halide_target;
        else if (key == "stage") {
            int i;
            std::string name;
            w >> i >> name;
            r.stage_names.push_back(name);
        } else if (key == "time_ms") {
            double ms;
            w >> ms;
            r.times.push_back(ms);
        } else if (key == "stage_run_ms") {
            int i;
            double ms;
            w >> i >> ms;
            if (i >= 0 && i < 1 << 16) {
                if (r.stage_run_ms.size() <= size_t(i)) r.stage_run_ms.resize(size_t(i) + 1);
                r.stage_run_ms[size_t(i)].push_back(ms);
            }
        } else if (key == "done") done = true;
    }
    if (!header || !done)
        fail(dir_ + "/" + program_, "", "", "the program's output was cut short or is not netc_runner's (" + target_.executor.describe() + "):\n" + out);
    if (want_outputs) {
        for (int o = 0;; o++) {
            const fs::path p = work / ("output" + std::to_string(o) + ".f32");
            if (!fs::exists(p)) break;
            r.outputs.push_back(read_floats(p));
        }
        if (r.outputs.empty()) fail(work.string(), "", "", "the program wrote no outputs (did the runner copy the directory back?)");
    }
    fs::remove_all(work, ec);
    if (!have_info_) info_ = r, have_info_ = true;
    return r;
}

std::vector<std::vector<float>> DeviceModel::run(const std::vector<float> &input) { return call(input, {}, true).outputs; }

std::vector<double> DeviceModel::time_runs(const std::vector<float> &input, int warmup, int runs) {
    return call(input, {"--warmup", std::to_string(warmup), "--runs", std::to_string(runs)}, false).times;
}

std::vector<std::vector<double>> DeviceModel::stage_time_runs(const std::vector<float> &input, int warmup, int runs) {
    return call(input, {"--warmup", std::to_string(warmup), "--profile", std::to_string(runs)}, false).stage_run_ms;
}

std::vector<std::string> DeviceModel::stage_names() {
    if (!have_info_) call(std::vector<float>(), {}, false);
    return info_.stage_names;
}

std::string DeviceModel::halide_target() {
    if (!have_info_) call(std::vector<float>(), {}, false);
    return info_.halide_target;
}

}  // namespace netc
