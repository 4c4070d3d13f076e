#include "analysis/compiled_stages.h"

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "analysis/summary.h"
#include "spec/diagnostic.h"

namespace netc {

std::vector<CompiledStage> compiled_stages(const Graph &optimized, const std::string &metadata_file) {
    std::map<std::string, int64_t> layer_macs;
    std::map<std::string, std::string> layer_ops;
    std::map<std::string, bool> depthwise;
    for (const auto &c : layer_costs(optimized)) {
        const Layer &l = optimized.layers[size_t(c.layer)];
        layer_macs[l.name] = c.macs;
        layer_ops[l.name] = op_label(l);
        depthwise[l.name] = l.op == OpKind::DepthwiseConv2D;
    }
    std::ifstream f(metadata_file);
    const nlohmann::json meta = nlohmann::json::parse(f, nullptr, false);
    if (meta.is_discarded() || !meta.contains("stages") || !meta["stages"].is_array())
        fail(metadata_file, "", "stages", "cannot read the stages of the compiled model (recompile it)");
    std::vector<CompiledStage> out;
    for (const auto &st : meta["stages"]) {
        CompiledStage s;
        s.name = st.value("name", "");
        s.function = st.value("function", "");
        for (const auto &l : st.value("layers", nlohmann::json::array())) {
            const std::string ln = l.value("name", "");
            s.macs += layer_macs[ln];
            if (depthwise[ln]) s.depthwise_macs += layer_macs[ln];
            s.ops += (s.ops.empty() ? "" : " > ") + layer_ops[ln];
        }
        out.push_back(s);
    }
    return out;
}

}  // namespace netc
