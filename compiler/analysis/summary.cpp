#include "analysis/summary.h"

#include "lower/memory_plan.h"
#include "schedule/plan_stages.h"
#include "spec/load_model.h"

#include <algorithm>

#include <cstdio>

#include "spec/weights.h"

namespace netc {

std::vector<LayerCost> layer_costs(const Graph &g) {
    std::vector<LayerCost> out;
    for (size_t i = 1; i < g.layers.size(); i++) {
        const Layer &l = g.layers[i];
        LayerCost c{int(i)};
        for (const auto &p : param_shapes(g, int(i))) {
            if (!p.trainable) continue;
            int64_t n = 1;
            for (int64_t d : p.shape) n *= d;
            c.params += n;
        }
        const Shape in = g.layers[size_t(l.inputs[0])].out;
        switch (l.op) {
        case OpKind::Conv2D: c.macs = l.out.elements() * (in.c / l.groups) * l.kernel_h * l.kernel_w; break;
        case OpKind::DepthwiseConv2D: c.macs = l.out.elements() * l.kernel_h * l.kernel_w; break;
        case OpKind::Dense: c.macs = in.elements() * l.out.c; break;
        case OpKind::ConvTranspose2D: c.macs = in.elements() * (l.filters / l.groups) * l.kernel_h * l.kernel_w; break;
        default: break;  // elementwise ops, pooling and softmax: no multiply-accumulates
        }
        out.push_back(c);
    }
    return out;
}

std::string op_label(const Layer &l) {
    std::string op = op_name(l.op);
    if (l.activation != Activation::None) op += "+" + std::string(activation_name(l.activation));
    return op;
}

namespace {
std::string with_commas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); i++) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}
// The name column fits the longest name (ONNX imports have long ones).
int name_column_width(const Graph &g) {
    int width = 28;
    for (const Layer &l : g.layers) width = std::max(width, int(l.name.size()));
    return width;
}

}  // namespace

std::string summary_table(const Graph &g) {
    const int width = name_column_width(g);
    const std::string rule(size_t(width) + 61, '-');
    std::string out;
    auto row = [&](const std::string &name, const std::string &op, const std::string &shape, const std::string &params, const std::string &macs) {
        char line[1024];
        std::snprintf(line, sizeof line, "%-*s %-17s %-14s %12s %14s\n", width, name.c_str(), op.c_str(), shape.c_str(), params.c_str(), macs.c_str());
        out += line;
    };
    row("layer", "op", "output (HxWxC)", "params", "MACs");
    out += rule + "\n";
    row(g.layers[0].name, "input", to_string(g.layers[0].out), "0", "0");
    int64_t params = 0, macs = 0;
    for (const auto &c : layer_costs(g)) {
        const Layer &l = g.layers[size_t(c.layer)];
        row(l.name, op_label(l), to_string(l.out), with_commas(c.params), with_commas(c.macs));
        params += c.params;
        macs += c.macs;
    }
    char line[256];
    out += rule + "\n";
    std::snprintf(line, sizeof line, "total: %s parameters (trainable, BatchNorm gamma/beta included, before folding), %.1fM MACs\n",
                  with_commas(params).c_str(), double(macs) / 1e6);
    out += line;
    return out;
}

std::string stages_table(const Graph &unfused, const TargetInfo &target, const ScheduleParams &params) {
    const Graph opt = optimize(unfused);
    const StagePlan stages = plan_stages(opt, target, params);
    const MemoryPlan plan = plan_memory(opt, stages);
    const int width = name_column_width(opt);
    std::string out = "target " + target.name + ", schedule parameters: " + params.source + "\n";
    char line[4096];
    std::snprintf(line, sizeof line, "%-6s %-*s %-26s %-14s %10s  %s\n", "stage", width, "output layer", "op", "output", "tensor",
                  "also computes (fused layers: how)");
    out += line;
    int fused = 0;
    for (size_t s = 0; s < stages.stages.size(); s++) {
        const StageGroup &group = stages.stages[s];
        const Layer &l = opt.layers[size_t(group.output())];
        std::string also;
        auto add = [&](const std::string &text) { also += (also.empty() ? "" : ", ") + text; };
        for (int i : group.layers) {
            const Layer &m = opt.layers[size_t(i)];
            if (i != group.output()) {
                add(m.name + " (" + op_label(m) + ", " + fusion_kind_name(fusion_kind(opt, i)) + ")");
                fused++;
            }
            for (const auto &n : m.absorbed) add(n);
        }
        std::snprintf(line, sizeof line, "%-6zu %-*s %-26s %-14s %9.1fK  %s\n", s, width, l.name.c_str(), op_label(l).c_str(), to_string(l.out).c_str(),
                      double(plan.tensors[size_t(group.output())].bytes()) / 1024.0, also.c_str());
        out += line;
    }
    std::snprintf(line, sizeof line,
                  "%zu stages for %zu layers (%d fused into the stage of a later one; %zu after folding); peak activation memory %.2f MB "
                  "(the arena: tensors share memory when their lifetimes do not overlap; %.2f MB without sharing)\n",
                  stages.stages.size(), unfused.layers.size() - 1, fused, opt.layers.size() - 1, double(plan.arena_bytes) / 1e6,
                  double(plan.unshared_bytes) / 1e6);
    out += line;
    return out;
}

}  // namespace netc
