#include "schedule/plan_stages.h"

#include <set>

#include "schedule/default_schedule.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

bool is_unary_elementwise(OpKind k) {
    Activation a;
    return k == OpKind::BatchNorm || activation_of_op(k, &a);
}

bool is_pointwise(const Layer &l) {
    return l.op == OpKind::Conv2D && l.kernel_h == 1 && l.kernel_w == 1 && l.stride_h == 1 && l.stride_w == 1 && l.groups == 1 &&
           l.padding.top == 0 && l.padding.left == 0 && l.padding.bottom == 0 && l.padding.right == 0;
}

// A depthwise conv whose taps are written out (no reduction loop): see lower/ops/depthwise_conv2d.cpp.
bool is_unrolled_depthwise(const Layer &l) { return l.op == OpKind::DepthwiseConv2D && l.kernel_h * l.kernel_w <= 49; }

bool is_channel_scale(const Graph &g, const Layer &l) {
    if (l.op != OpKind::Mul || l.inputs.size() != 2) return false;
    const Shape gate = g.layers[size_t(l.inputs[1])].out;
    return gate.h == 1 && gate.w == 1;
}

int consumers(const Graph &g, int layer) {
    int n = 0;
    for (const Layer &l : g.layers)
        for (int in : l.inputs) n += in == layer;
    for (int o : g.outputs) n += o == layer;  // an output must reach memory
    return n;
}

int64_t reduction_of(const Graph &g, const Layer &conv) {
    const Shape in = g.layers[size_t(conv.inputs[0])].out;
    return int64_t(in.c / conv.groups) * conv.kernel_h * conv.kernel_w;
}

}  // namespace

const char *fusion_kind_name(FusionKind k) {
    switch (k) {
    case FusionKind::None: return "none";
    case FusionKind::Tile: return "tile";
    case FusionKind::Inline: return "inline";
    case FusionKind::Epilogue: return "epilogue";
    }
    return "?";
}

bool StagePlan::materialized(int layer) const {
    if (layer <= 0) return true;
    const StageGroup &s = stages[size_t(stage_of[size_t(layer)])];
    return s.output() == layer;
}

FusionKind fusion_kind(const Graph &g, int producer) {
    if (producer <= 0 || producer + 1 >= int(g.layers.size())) return FusionKind::None;
    const Layer &p = g.layers[size_t(producer)], &c = g.layers[size_t(producer) + 1];
    bool reads = false;
    for (int in : c.inputs) reads |= in == producer;
    if (!reads || consumers(g, producer) != 1) return FusionKind::None;
    if (is_pointwise(c) && (is_unrolled_depthwise(p) || is_channel_scale(g, p) || is_unary_elementwise(p.op))) return FusionKind::Tile;
    if (is_unary_elementwise(p.op) && (is_unrolled_depthwise(c) || is_unary_elementwise(c.op) || c.op == OpKind::Add || c.op == OpKind::Mul))
        return FusionKind::Inline;
    if (p.op == OpKind::Conv2D && (c.op == OpKind::Add || is_unary_elementwise(c.op))) return FusionKind::Epilogue;
    return FusionKind::None;
}

StagePlan unfused_stages(const Graph &g) {
    StagePlan plan;
    plan.stage_of.assign(g.layers.size(), -1);
    for (int i = 1; i < int(g.layers.size()); i++) {
        plan.stage_of[size_t(i)] = int(plan.stages.size());
        plan.stages.push_back(StageGroup{{i}});
    }
    return plan;
}

namespace {

// The planner proper: `why_not[i]` says why layer i cannot join the next layer's stage, given
// the choices before it ("" if it can). A choice that cannot be honoured is left unfused here;
// plan_stages turns it into an error.
StagePlan plan(const Graph &g, const TargetInfo &t, const ScheduleParams &p, std::vector<std::string> &why_blocked) {
    why_blocked.assign(g.layers.size(), "");
    StagePlan plan;
    plan.stage_of.assign(g.layers.size(), -1);
    bool joins_previous = false;  // layer i joins the stage of layer i - 1
    bool has_reduction = false;   // the stage being built holds a conv already
    for (int i = 1; i < int(g.layers.size()); i++) {
        const Layer &l = g.layers[size_t(i)];
        if (!joins_previous) {
            plan.stages.push_back(StageGroup{});
            has_reduction = false;
        }
        plan.stages.back().layers.push_back(i);
        plan.stage_of[size_t(i)] = int(plan.stages.size()) - 1;
        has_reduction |= l.op == OpKind::Conv2D;

        const FusionKind kind = fusion_kind(g, i);
        std::string why_not;
        if (kind == FusionKind::None) why_not = "this layer cannot be fused into the layer after it (see docs/fusion.md)";
        // One reduction per stage: the stage is scheduled around it.
        else if (has_reduction && g.layers[size_t(i) + 1].op == OpKind::Conv2D) why_not = "fusing would put two convolutions in one stage";
        bool fuse = why_not.empty() && p.fusion != FusionMode::None;
        if (kind == FusionKind::Tile) {
            const Layer &conv = g.layers[size_t(i) + 1];
            const ConvTiling k = conv_tiling(conv.out, reduction_of(g, conv), t, p);
            if (fused_producer_level(conv.out, l.out.c, k, t, p) == ProducerLevel::None)
                why_not = "a tile of its " + std::to_string(l.out.c) + " channels would take more than half of L2 (" +
                          std::to_string(fused_buffer_budget(t) / 1024) + " KiB)";
            // Auto: not when the conv keeps channel blocks outermost (the layer would be recomputed per block).
            fuse = why_not.empty() && (p.fusion == FusionMode::All || (p.fusion == FusionMode::Auto && !k.blocks_outermost));
        }
        const auto chosen = p.fuse_layers.find(l.name);
        if (chosen != p.fuse_layers.end()) fuse = chosen->second && why_not.empty();
        why_blocked[size_t(i)] = why_not;
        joins_previous = fuse;
    }
    return plan;
}

}  // namespace

StagePlan plan_stages(const Graph &g, const TargetInfo &t, const ScheduleParams &p) {
    std::set<std::string> names;
    for (const Layer &l : g.layers) names.insert(l.name);
    for (const auto &[name, fuse] : p.fuse_layers)
        if (!names.count(name)) fail(p.source, name, "fusion.layers", "no layer of model '" + g.name + "' (after its passes) has this name");
    std::vector<std::string> why_not;
    StagePlan stages = plan(g, t, p, why_not);
    for (size_t i = 1; i < g.layers.size(); i++) {
        const auto chosen = p.fuse_layers.find(g.layers[i].name);
        if (chosen != p.fuse_layers.end() && chosen->second && !why_not[i].empty()) fail(p.source, g.layers[i].name, "fusion.layers", why_not[i]);
    }
    std::set<std::string> stage_names;
    for (const StageGroup &s : stages.stages) stage_names.insert(stage_name(g, s));
    for (const auto &[name, knobs] : p.stages)
        if (!stage_names.count(name))
            fail(p.source, name, "stages", "no stage of model '" + g.name + "' has this name (`netc summary --stages` lists them)");
    return stages;
}

std::string fusion_blocker(const Graph &g, const TargetInfo &t, const ScheduleParams &p, int layer) {
    std::vector<std::string> why_not;
    plan(g, t, p, why_not);
    return why_not[size_t(layer)];
}

std::string stage_schedule_problem(const Graph &g, const StageGroup &s, const TargetInfo &t, const ScheduleParams &p) {
    // The layer just before the stage's conv is the one computed per row or tile inside it.
    for (size_t k = 1; k < s.layers.size(); k++) {
        const Layer &conv = g.layers[size_t(s.layers[k])];
        if (conv.op != OpKind::Conv2D) continue;
        const int channels = g.layers[size_t(s.layers[k - 1])].out.c;
        if (fused_producer_level(conv.out, channels, conv_tiling(conv.out, reduction_of(g, conv), t, p), t, p) == ProducerLevel::None)
            return "this register tile makes the fused layer's buffer exceed half of L2 (" +
                   std::to_string(fused_buffer_budget(t) / 1024) + " KiB); use fewer pixels";
    }
    return "";
}

const std::string &stage_name(const Graph &g, const StageGroup &s) { return g.layers[size_t(s.output())].name; }

}  // namespace netc
