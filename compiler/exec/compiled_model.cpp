#include "exec/compiled_model.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "exec/device_model.h"
#include "exec/loaded_model.h"
#include "spec/diagnostic.h"

namespace netc {

std::string compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    return generated_dir + "/" + g.name + "/" + t.name;
}

std::string checked_compiled_dir(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    const std::string dir = compiled_dir(generated_dir, g, t);
    const std::string metadata = dir + "/" + g.name + ".json";
    std::ifstream f(metadata);
    if (!f) fail(dir, "", "", "no model compiled for " + t.name + " here (run `netc compile SPEC --target " + t.name + "` first)");
    const nlohmann::json meta = nlohmann::json::parse(f, nullptr, false);
    if (meta.is_discarded() || !meta.contains("target") || !meta["target"].is_string())
        fail(metadata, "", "target", "not the metadata of a compiled model; recompile with `netc compile --target " + t.name + "`");
    const std::string built_for = meta["target"].get<std::string>();
    if (built_for != t.name)
        fail(metadata, "", "target", "this library was compiled for " + built_for + ", not " + t.name + "; recompile with `netc compile --target " + t.name + "`");
    return dir;
}

std::unique_ptr<CompiledModel> open_compiled_model(const std::string &generated_dir, const Graph &g, const TargetInfo &t) {
    const std::string dir = checked_compiled_dir(generated_dir, g, t);
    if (t.executor.kind == Executor::Kind::InProcess) return std::make_unique<LoadedModel>(dir, g.name);
    return std::make_unique<DeviceModel>(dir, g.name, t);
}

}  // namespace netc
