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

// How the fused-buffer limit reads in messages: "half of L2 (512 KiB)".
std::string buffer_budget_text(const TargetInfo &t) { return "half of L2 (" + std::to_string(fused_buffer_budget(t) / 1024) + " KiB)"; }

const char *const kTwoConvs = "fusing would put two convolutions in one stage";

}  // namespace

const char *fusion_kind_name(FusionKind k) {
    switch (k) {
    case FusionKind::None: return "none";
    case FusionKind::Tile: return "tile";
    case FusionKind::Inline: return "inline";
    case FusionKind::Epilogue: return "epilogue";
    case FusionKind::Rows: return "rows";
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
    if (is_pointwise(p) && is_unrolled_depthwise(c)) return FusionKind::Rows;
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
    // Whether layer i (of kind Tile or Epilogue) joins the next layer, and why it cannot:
    // `convs` is how many convolutions the stage holds so far, `after_expand` whether the
    // stage began with an expand conv fused row by row.
    // The schedule file's choice for layer `l`, if it names one and the boundary can be fused.
    auto chosen_or = [&](const Layer &l, bool fuse, const std::string &why_not) {
        const auto chosen = p.fuse_layers.find(l.name);
        return chosen != p.fuse_layers.end() ? chosen->second && why_not.empty() : fuse;
    };
    auto decide = [&](int i, int convs, bool after_expand, std::string &why_not) -> bool {
        const Layer &l = g.layers[size_t(i)];
        const FusionKind kind = fusion_kind(g, i);
        why_not.clear();
        if (kind == FusionKind::None) why_not = "this layer cannot be fused into the layer after it (see docs/fusion.md)";
        // One reduction per stage, which the stage is scheduled around; or an expand conv
        // computed row by row for the depthwise conv feeding the stage's conv.
        else if (convs > 0 && g.layers[size_t(i) + 1].op == OpKind::Conv2D && !(after_expand && convs == 1))
            why_not = kTwoConvs;
        bool fuse = why_not.empty() && p.fusion != FusionMode::None;
        if (kind == FusionKind::Tile) {
            const Layer &conv = g.layers[size_t(i) + 1];
            const ConvTiling k = conv_tiling(conv.out, reduction_of(g, conv), t, p, true);
            if (why_not.empty() && fused_producer_level(conv.out, l.out.c, k, t, p) == ProducerLevel::None)
                why_not = "a tile of its " + std::to_string(l.out.c) + " channels would take more than " + buffer_budget_text(t);
            if (why_not.empty() && after_expand && k.blocks_outermost)
                why_not = "the conv after it keeps its channel blocks outermost, so the expanded rows would be recomputed per block";
            // Auto: not when the conv keeps channel blocks outermost (the layer would be recomputed per block).
            fuse = why_not.empty() && (p.fusion == FusionMode::All || (p.fusion == FusionMode::Auto && !k.blocks_outermost));
        }
        return chosen_or(l, fuse, why_not);
    };
    StagePlan plan;
    plan.stage_of.assign(g.layers.size(), -1);
    bool joins_previous = false;  // layer i joins the stage of layer i - 1
    int convs = 0;                // convolutions in the stage being built
    bool after_expand = false;    // the stage began with an expand conv fused row by row
    for (int i = 1; i < int(g.layers.size()); i++) {
        const Layer &l = g.layers[size_t(i)];
        if (!joins_previous) {
            plan.stages.push_back(StageGroup{});
            convs = 0;
            after_expand = false;
        }
        plan.stages.back().layers.push_back(i);
        plan.stage_of[size_t(i)] = int(plan.stages.size()) - 1;
        convs += l.op == OpKind::Conv2D;

        std::string why_not;
        bool fuse;
        if (fusion_kind(g, i) == FusionKind::Rows) {
            // Only with its depthwise conv fused into the conv after that, and only at the start
            // of a stage (nothing fused into the expand conv itself).
            if (convs > 1 || plan.stages.back().layers.size() > 1) why_not = kTwoConvs;
            // The sliding window holds kernel + stride rows of the expanded tensor.
            const Layer &dw = g.layers[size_t(i) + 1];
            const int64_t window = int64_t(dw.kernel_h + dw.stride_h) * l.out.w * l.out.c * 4;
            if (why_not.empty() && window > fused_buffer_budget(t))
                why_not = "its rows for the depthwise conv (" + std::to_string(window / 1024) + " KiB) would take more than " +
                          buffer_budget_text(t);
            std::string why_not_dw;
            if (why_not.empty() && fusion_kind(g, i + 1) != FusionKind::Tile)
                why_not = "its depthwise conv does not feed a pointwise conv it could be fused into";
            else if (why_not.empty() && !decide(i + 1, 1, true, why_not_dw))
                why_not = why_not_dw.empty() ? "its depthwise conv is kept apart from the conv after it; fuse that first"
                                             : "its depthwise conv cannot be fused into the conv after it: " + why_not_dw;
            // Auto leaves it apart: whether the recomputed rows at strip edges pay is measured.
            fuse = chosen_or(l, why_not.empty() && p.fusion == FusionMode::All, why_not);
            after_expand = fuse;
        } else {
            fuse = decide(i, convs, after_expand, why_not);
        }
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
        if (fused_producer_level(conv.out, channels, stage_conv_tiling(g, s, k, t, p), t, p) == ProducerLevel::None)
            return "this register tile makes the fused layer's buffer exceed " + buffer_budget_text(t) + "; use fewer pixels";
    }
    return "";
}

ConvTiling stage_conv_tiling(const Graph &g, const StageGroup &s, size_t k, const TargetInfo &t, const ScheduleParams &p) {
    const Layer &conv = g.layers[size_t(s.layers[k])];
    return conv_tiling(conv.out, reduction_of(g, conv), t, p, k > 0);
}

const std::string &stage_name(const Graph &g, const StageGroup &s) { return g.layers[size_t(s.output())].name; }

TunableLayers tunable_layers(const Graph &g, const StageGroup &s) {
    TunableLayers t;
    for (size_t k = 0; k < s.layers.size(); k++) {
        const Layer &l = g.layers[size_t(s.layers[k])];
        if (l.op == OpKind::Conv2D) t.conv = int(k);
        if (l.op == OpKind::DepthwiseConv2D && l.kernel_h * l.kernel_w <= 49) t.depthwise = int(k);
    }
    return t;
}

}  // namespace netc
