#include "exec/compiled_model.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "codegen/output_files.h"
#include "exec/device_model.h"
#include "exec/loaded_model.h"
#include "spec/diagnostic.h"

namespace netc {

std::vector<double> CompiledModel::stage_times(const std::vector<float> &input, int runs) {
    const std::vector<std::vector<double>> per_run = stage_time_runs(input, 0, runs);
    std::vector<double> mean;
    for (const std::vector<double> &stage : per_run) {
        double sum = 0;
        for (double ms : stage) sum += ms;
        mean.push_back(stage.empty() ? 0 : sum / double(stage.size()));
    }
    return mean;
}

std::string compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    return generated_dir + "/" + g.name + "/" + t.name;
}

namespace {

// The command that rewrites `dir`, for the messages below.
std::string recompile_command(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    std::string cmd = "netc compile " + (g.spec_file.empty() ? std::string("SPEC") : g.spec_file) + " --target " + t.name;
    if (generated_dir != "generated") cmd += " --generated-dir " + generated_dir;
    return "`" + cmd + "`";
}

}  // namespace

std::string checked_compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    namespace fs = std::filesystem;
    const std::string dir = compiled_dir(generated_dir, g, t);
    const std::string metadata = dir + "/" + g.name + ".json";
    const std::string recompile = "recompile with " + recompile_command(generated_dir, g, t);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        fail(dir, "", "", "no model compiled for " + t.name + " here (run `netc compile SPEC --target " + t.name + "` first)");
    std::ifstream f(metadata);
    if (!f) fail(dir, "", "", "incomplete: no " + g.name + ".json, the metadata netc compile writes last; " + recompile);
    const nlohmann::json meta = nlohmann::json::parse(f, nullptr, false);
    if (meta.is_discarded() || !meta.is_object() || !meta.contains("target") || !meta["target"].is_string())
        fail(metadata, "", "target", "not the metadata of a compiled model; recompile with `netc compile --target " + t.name + "`");
    const std::string built_for = meta["target"].get<std::string>();
    if (built_for != t.name)
        fail(metadata, "", "target", "this library was compiled for " + built_for + ", not " + t.name + "; recompile with `netc compile --target " + t.name + "`");
    // Only what was recorded is checked here (a size per file, one hash of the inputs, read
    // once when the model is opened): nothing of this is on the inference path.
    const std::string version = meta.value("netc_version", std::string());
    if (version != NETC_VERSION)
        fail(dir, "", "", "compiled by netc " + (version.empty() ? std::string("(unknown)") : version) + ", this is netc " NETC_VERSION "; " +
                              recompile);
    if (!meta.contains("files") || !meta.contains("content_hash") || !meta["content_hash"].is_string())
        fail(dir, "", "", "its metadata has no file list or content hash (compiled by an older netc?); " + recompile);
    const std::string problem = check_file_sizes(dir, meta["files"]);
    if (!problem.empty()) fail(dir, "", "", "incomplete or damaged: " + problem + "; " + recompile);
    const std::string recorded = meta["content_hash"].get<std::string>(), current = model_content_hash(g);
    if (recorded != current)
        fail(dir, "", "", "compiled from another spec or weights (hash " + recorded + " != " + current + " of " +
                              (g.spec_file.empty() ? std::string("the model given") : g.spec_file) + "); " + recompile);
    return dir;
}

std::unique_ptr<CompiledModel> open_compiled_model(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    const std::string dir = checked_compiled_dir(generated_dir, g, t);
    if (t.executor.kind == Executor::Kind::InProcess) return std::make_unique<LoadedModel>(dir, g.name);
    return std::make_unique<DeviceModel>(dir, g.name, t);
}

}  // namespace netc
