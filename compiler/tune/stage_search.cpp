#include "tune/stage_search.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "analysis/sample_stats.h"
#include "codegen/output_files.h"
#include "schedule/default_schedule.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

constexpr int kExplorePercent = 20;  // rounds that measure a random unmeasured setting, once the model has data
constexpr size_t kMinForModel = 3;   // distinct settings measured before the model is trusted
// Every this many rounds, each signature's best so far is measured again: on a noisy machine the
// fastest of many single measurements is often a lucky one, and a second sample tempers it
// (best_settings takes the median of a setting's medians).
constexpr int kConfirmEvery = 5;

std::string key_of(const StageSetting &s) { return setting_to_json(s).dump(); }

// splitmix64: a seeded stream that depends on nothing but its inputs.
uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Solves (A + lambda I) x = b by Gaussian elimination with partial pivoting (A is small).
std::vector<double> ridge_solve(std::vector<std::vector<double>> a, std::vector<double> b, double lambda) {
    const size_t n = b.size();
    for (size_t i = 0; i < n; i++) a[i][i] += lambda;
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < n; r++)
            if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
        std::swap(a[c], a[p]), std::swap(b[c], b[p]);
        if (std::fabs(a[c][c]) < 1e-12) continue;
        for (size_t r = c + 1; r < n; r++) {
            const double f = a[r][c] / a[c][c];
            for (size_t k = c; k < n; k++) a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> x(n, 0.0);
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++) s -= a[i][k] * x[k];
        x[i] = std::fabs(a[i][i]) < 1e-12 ? 0 : s / a[i][i];
    }
    return x;
}

// How many knobs and boundaries two settings of one unit set differently.
int differences(const StageSetting &a, const StageSetting &b) {
    int n = 0;
    for (size_t i = 0; i < a.fuse.size() && i < b.fuse.size(); i++) n += a.fuse[i] != b.fuse[i];
    const StageKnobs &x = a.knobs, &y = b.knobs;
    n += x.conv_vectors_per_block != y.conv_vectors_per_block;
    n += x.conv_tile_pixels != y.conv_tile_pixels;
    n += x.depthwise_pixel_run != y.depthwise_pixel_run;
    n += x.depthwise_pixels_outer != y.depthwise_pixels_outer;
    n += x.fused_producer_rows != y.fused_producer_rows;
    n += x.expand_strips != y.expand_strips;
    return n;
}

// Each signature's measured settings: median ms by setting (ok trials), and the settings that
// miscomputed (never proposed again, never chosen).
struct Measured {
    std::map<std::string, std::vector<double>> ms;
    std::set<std::string> bad;
};

std::map<std::string, Measured> measured_by_signature(const std::vector<Trial> &trials) {
    std::map<std::string, Measured> out;
    for (const Trial &t : trials) {
        Measured &m = out[t.signature];
        const std::string key = key_of(setting_from_json(t.knobs));
        if (t.ok) m.ms[key].push_back(t.median_ms);
        else m.bad.insert(key);
    }
    return out;
}

}  // namespace

std::string stage_signature(const Graph &g, const StageGroup &s) {
    std::string sig;
    const Layer &first = g.layers[size_t(s.layers.front())];
    for (int in : first.inputs) sig += "in " + to_string(g.layers[size_t(in)].out) + "; ";
    for (int i : s.layers) {
        const Layer &l = g.layers[size_t(i)];
        sig += std::string(op_name(l.op)) + " k" + std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) + " s" +
               std::to_string(l.stride_h) + "x" + std::to_string(l.stride_w) + " d" + std::to_string(l.dilation_h) + "x" +
               std::to_string(l.dilation_w) + " g" + std::to_string(l.groups) + " m" + std::to_string(l.multiplier) + " p" +
               std::to_string(l.padding.top) + "," + std::to_string(l.padding.left) + "," + std::to_string(l.padding.bottom) + "," +
               std::to_string(l.padding.right) + " " + activation_name(l.activation) + " -> " + to_string(l.out) + "; ";
    }
    return sig;
}

nlohmann::ordered_json knobs_to_json(const StageKnobs &k) { return stage_knobs_json(k); }

StageKnobs knobs_from_json(const nlohmann::json &j) {
    StageKnobs k;
    auto get_int = [&](const char *section, const char *field, std::optional<int> &out) {
        if (j.contains(section) && j[section].is_object() && j[section].contains(field) && j[section][field].is_number_integer())
            out = j[section][field].get<int>();
    };
    get_int("conv", "vectors_per_block", k.conv_vectors_per_block);
    get_int("conv", "tile_pixels", k.conv_tile_pixels);
    get_int("depthwise", "pixel_run", k.depthwise_pixel_run);
    if (j.contains("depthwise") && j["depthwise"].is_object() && j["depthwise"].contains("pixels_outer") && j["depthwise"]["pixels_outer"].is_boolean())
        k.depthwise_pixels_outer = j["depthwise"]["pixels_outer"].get<bool>();
    get_int("fusion", "expand_strips", k.expand_strips);
    if (j.contains("fusion") && j["fusion"].is_object() && j["fusion"].contains("producer_at") && j["fusion"]["producer_at"].is_string())
        k.fused_producer_rows = j["fusion"]["producer_at"] == "row";
    return k;
}

nlohmann::ordered_json setting_to_json(const StageSetting &s) {
    nlohmann::ordered_json j = knobs_to_json(s.knobs);
    if (!s.fuse.empty()) {
        j["fuse"] = nlohmann::ordered_json::array();
        for (bool f : s.fuse) j["fuse"].push_back(f);
    }
    return j;
}

StageSetting setting_from_json(const nlohmann::json &j) {
    StageSetting s;
    s.knobs = knobs_from_json(j);
    if (j.contains("fuse") && j["fuse"].is_array())
        for (const auto &f : j["fuse"]) s.fuse.push_back(f.is_boolean() && f.get<bool>());
    return s;
}

namespace {

// The stages of `plan` that lie in `unit` (all its layers are the unit's), in order.
std::vector<StageGroup> stages_within(const StagePlan &plan, const SearchStage &unit) {
    std::vector<StageGroup> out;
    for (int layer : unit.layers) {
        const StageGroup &g = plan.stages[size_t(plan.stage_of[size_t(layer)])];
        if (g.output() == layer) out.push_back(g);
    }
    return out;
}

// `base` with the unit's boundaries fused as `fuse` says.
ScheduleParams with_fusion(const Graph &opt, const ScheduleParams &base, const SearchStage &unit, const std::vector<bool> &fuse) {
    ScheduleParams p = base;
    for (size_t i = 0; i < unit.boundaries.size() && i < fuse.size(); i++) p.fuse_layers[opt.layers[size_t(unit.boundaries[i])].name] = fuse[i];
    return p;
}

}  // namespace

std::vector<SearchStage> search_stages(const Graph &opt, const TargetInfo &t, const ScheduleParams &base) {
    // The units: the stages when every fusable boundary is fused (in graph order: a layer that
    // could end one stage or begin the next goes with the first).
    ScheduleParams most = base;
    most.fusion = FusionMode::All;
    most.fuse_layers.clear(), most.stages.clear();
    const StagePlan units = plan_stages(opt, t, most);
    const StagePlan base_plan = plan_stages(opt, t, base);
    std::vector<SearchStage> out;
    for (const StageGroup &group : units.stages) {
        const TunableLayers tunable = tunable_layers(opt, group);
        if (!tunable.any()) continue;  // nothing the knobs change
        SearchStage st;
        st.name = stage_name(opt, group);
        st.signature = stage_signature(opt, group);
        st.layers = group.layers;
        for (size_t k = 0; k + 1 < group.layers.size(); k++) {
            const FusionKind kind = fusion_kind(opt, group.layers[k]);
            if (kind == FusionKind::Tile || kind == FusionKind::Rows) st.boundaries.push_back(group.layers[k]);
        }
        const ScheduleParams own = base.for_stage(st.name);
        if (tunable.conv >= 0) {
            const Shape o = opt.layers[size_t(group.layers[size_t(tunable.conv)])].out;
            st.tile_width = stage_conv_tiling(opt, group, size_t(tunable.conv), t, own).flat ? o.w * o.h : o.w;
        }
        // The knob values each kind of stage may take.
        std::vector<StageKnobs> convs = {StageKnobs{}}, depthwises = {StageKnobs{}};
        if (tunable.conv >= 0) {
            convs.clear();
            for (int vectors : {1, 2})
                for (int px = 1; px <= register_tile_pixels(t, vectors); px++) {
                    StageKnobs k;
                    k.conv_vectors_per_block = vectors, k.conv_tile_pixels = px;
                    convs.push_back(k);
                }
        }
        if (tunable.depthwise >= 0) {
            depthwises.clear();
            for (bool outer : {false, true})
                for (int run : {1, 2, 3, 4, 6, 8}) {
                    StageKnobs k;
                    k.depthwise_pixel_run = run, k.depthwise_pixels_outer = outer;
                    depthwises.push_back(k);
                }
        }
        std::set<std::string> seen;
        // A setting the templates accept: its fusion can be planned, and every stage it splits
        // the unit into can be scheduled with its knobs (a fused layer's buffer still fits).
        // The unit's stages under each fusion it is tried with: planned once per fusion, not
        // per setting (a fusion the planner refuses has none: its settings are left out).
        std::map<std::vector<bool>, std::optional<std::vector<StageGroup>>> split_by_fusion;
        auto split = [&](const std::vector<bool> &fuse) -> const std::optional<std::vector<StageGroup>> & {
            auto [it, fresh] = split_by_fusion.try_emplace(fuse);
            if (fresh) {
                try {
                    it->second = stages_within(plan_stages(opt, t, with_fusion(opt, base, st, fuse)), st);
                } catch (const CompileError &) {
                    // the planner refuses this fusion: it stays empty
                }
            }
            return it->second;
        };
        auto add = [&](const StageSetting &s) {
            if (!seen.insert(key_of(s)).second) return;
            const auto &groups = split(s.fuse);
            if (!groups) return;
            ScheduleParams p = with_fusion(opt, base, st, s.fuse);
            for (const StageGroup &g : *groups) {
                p.stages[stage_name(opt, g)] = s.knobs;
                if (!stage_schedule_problem(opt, g, t, p.for_stage(stage_name(opt, g))).empty()) return;
            }
            st.space.push_back(s);
        };
        // The base setting first, spelled out (tile_pixels 0 is "as many as fit").
        StageSetting first;
        for (int b : st.boundaries) first.fuse.push_back(base_plan.stage_of[size_t(b)] == base_plan.stage_of[size_t(b) + 1]);
        if (tunable.conv >= 0) {
            first.knobs.conv_vectors_per_block = own.conv_vectors_per_block;
            first.knobs.conv_tile_pixels = own.conv_tile_pixels > 0 ? own.conv_tile_pixels : register_tile_pixels(t, own.conv_vectors_per_block);
        }
        if (tunable.depthwise >= 0) first.knobs.depthwise_pixel_run = own.depthwise_pixel_run, first.knobs.depthwise_pixels_outer = own.depthwise_pixels_outer;
        auto fuses = [&](const std::vector<bool> &fuse, FusionKind kind) {
            for (size_t i = 0; i < fuse.size(); i++)
                if (fuse[i] && fusion_kind(opt, st.boundaries[i]) == kind) return true;
            return false;
        };
        if (fuses(first.fuse, FusionKind::Tile)) first.knobs.fused_producer_rows = own.fused_producer_rows;
        if (fuses(first.fuse, FusionKind::Rows)) first.knobs.expand_strips = own.expand_strips;
        add(first);
        if (st.space.empty()) continue;  // the base setting itself cannot be scheduled: leave the unit alone
        for (uint32_t mask = 0; mask < (1u << st.boundaries.size()); mask++) {
            std::vector<bool> fuse;
            for (size_t i = 0; i < st.boundaries.size(); i++) fuse.push_back((mask >> i) & 1);
            std::vector<std::optional<bool>> rows = {std::nullopt};
            std::vector<std::optional<int>> strips = {std::nullopt};
            if (fuses(fuse, FusionKind::Tile)) rows = {true, false};
            if (fuses(fuse, FusionKind::Rows)) strips = {1, 2, 4};
            for (const StageKnobs &c : convs)
                for (const StageKnobs &d : depthwises)
                    for (const auto &r : rows)
                        for (const auto &n : strips) {
                            StageSetting s{fuse, c};
                            s.knobs.depthwise_pixel_run = d.depthwise_pixel_run, s.knobs.depthwise_pixels_outer = d.depthwise_pixels_outer;
                            s.knobs.fused_producer_rows = r, s.knobs.expand_strips = n;
                            add(s);
                        }
        }
        out.push_back(st);
    }
    return out;
}

ScheduleParams with_settings(const Graph &opt, const TargetInfo &t, const ScheduleParams &base, const std::vector<SearchStage> &stages,
                             const std::map<std::string, StageSetting> &by_signature) {
    ScheduleParams p = base;
    for (const SearchStage &st : stages) {
        const auto it = by_signature.find(st.signature);
        if (it != by_signature.end()) p = with_fusion(opt, p, st, it->second.fuse);
    }
    const StagePlan plan = plan_stages(opt, t, p);
    for (const SearchStage &st : stages) {
        const auto it = by_signature.find(st.signature);
        if (it == by_signature.end() || it->second.knobs.empty()) continue;
        for (const StageGroup &g : stages_within(plan, st)) p.stages[stage_name(opt, g)] = it->second.knobs;
    }
    return p;
}

std::vector<std::vector<double>> unit_times(const Graph &opt, const std::vector<SearchStage> &stages, const std::vector<std::string> &stage_names,
                                            const std::vector<std::vector<double>> &stage_ms) {
    std::map<std::string, size_t> unit_of;  // a layer's name -> its unit
    for (size_t u = 0; u < stages.size(); u++)
        for (int layer : stages[u].layers) unit_of[opt.layers[size_t(layer)].name] = u;
    std::vector<std::vector<double>> out(stages.size());
    for (size_t s = 0; s < stage_names.size() && s < stage_ms.size(); s++) {
        const auto it = unit_of.find(stage_names[s]);
        if (it == unit_of.end()) continue;
        std::vector<double> &sum = out[it->second];
        if (sum.size() < stage_ms[s].size()) sum.resize(stage_ms[s].size(), 0.0);
        for (size_t r = 0; r < stage_ms[s].size(); r++) sum[r] += stage_ms[s][r];
    }
    return out;
}

std::vector<double> StageCostModel::features(const StageSetting &s) const {
    const StageKnobs &k = s.knobs;
    std::vector<double> f = {1.0};
    for (bool fused : s.fuse) f.push_back(fused ? 1.0 : 0.0);
    if (k.conv_vectors_per_block) {
        const int px = std::max(k.conv_tile_pixels.value_or(1), 1), width = std::max(tile_width_, 1);
        const int tiles = (width + px - 1) / px;
        f.push_back(*k.conv_vectors_per_block == 2 ? 1.0 : 0.0);
        f.push_back(px / 16.0);
        f.push_back(1.0 / px);
        f.push_back(double(tiles * px - width) / double(tiles * px));  // the part-empty tiles' share
        f.push_back((*k.conv_vectors_per_block == 2 ? 1.0 : 0.0) * px / 16.0);
    }
    if (k.depthwise_pixel_run) {
        const double run = *k.depthwise_pixel_run, outer = k.depthwise_pixels_outer.value_or(false) ? 1.0 : 0.0;
        f.push_back(run / 8.0);
        f.push_back(1.0 / run);
        f.push_back(outer);
        f.push_back(outer * run / 8.0);
    }
    // Present or not by the fusion: a slot each, so that every setting of a signature has as many.
    f.push_back(k.fused_producer_rows && *k.fused_producer_rows ? 1.0 : 0.0);
    f.push_back(k.fused_producer_rows && !*k.fused_producer_rows ? 1.0 : 0.0);
    f.push_back(k.expand_strips ? *k.expand_strips / 4.0 : 0.0);
    return f;
}

void StageCostModel::fit(const std::vector<std::pair<StageSetting, double>> &measured_ms) {
    weights_.clear();
    if (measured_ms.empty()) return;
    const size_t n = features(measured_ms[0].first).size();
    std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
    std::vector<double> b(n, 0.0);
    for (const auto &[k, ms] : measured_ms) {
        const std::vector<double> f = features(k);
        if (f.size() != n) continue;
        const double y = std::log(std::max(ms, 1e-6));
        for (size_t i = 0; i < n; i++) {
            b[i] += f[i] * y;
            for (size_t j = 0; j < n; j++) a[i][j] += f[i] * f[j];
        }
    }
    weights_ = ridge_solve(a, b, 1e-2);
}

double StageCostModel::predict_ms(const StageSetting &k) const {
    const std::vector<double> f = features(k);
    double y = 0;
    for (size_t i = 0; i < f.size() && i < weights_.size(); i++) y += f[i] * weights_[i];
    return std::exp(y);
}

std::map<std::string, StageSetting> propose_round(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials, uint64_t seed,
                                                int round) {
    const std::map<std::string, Measured> measured = measured_by_signature(trials);
    const std::map<std::string, BestSetting> best = best_settings(stages, trials);
    std::map<std::string, StageSetting> out;
    for (const SearchStage &st : stages) {
        if (out.count(st.signature)) continue;  // the first stage of a signature speaks for all
        if (round == 0) {
            out[st.signature] = st.space[0];
            continue;
        }
        static const Measured none;
        const auto mit = measured.find(st.signature);
        const Measured &m = mit == measured.end() ? none : mit->second;
        std::vector<const StageSetting *> unmeasured;
        for (const StageSetting &k : st.space)
            if (!m.ms.count(key_of(k)) && !m.bad.count(key_of(k))) unmeasured.push_back(&k);
        if (unmeasured.empty() || (round % kConfirmEvery == 0 && best.count(st.signature))) {
            const auto b = best.find(st.signature);
            out[st.signature] = b != best.end() ? b->second.setting : st.space[0];
            continue;
        }
        uint64_t r = mix(seed ^ mix(fnv1a64(st.signature)) ^ mix(uint64_t(round) * 0x2545f4914f6cdd1dull));
        const bool explore = m.ms.size() < kMinForModel || int(r % 100) < kExplorePercent;
        r = mix(r);
        if (explore) {
            out[st.signature] = *unmeasured[r % unmeasured.size()];
            continue;
        }
        StageCostModel model(st.tile_width);
        std::vector<std::pair<StageSetting, double>> data;
        for (const StageSetting &k : st.space) {
            const auto it = m.ms.find(key_of(k));
            if (it != m.ms.end()) data.push_back({k, median_of(it->second)});
        }
        model.fit(data);
        // Half of these rounds look only next to the best so far (one knob or boundary changed):
        // a linear model misplaces an optimum between its features' grid, a step from the best
        // does not. The rest take the model's pick among all unmeasured settings.
        std::vector<const StageSetting *> candidates;
        const auto b = best.find(st.signature);
        if (b != best.end() && r % 2 == 0)
            for (const StageSetting *k : unmeasured)
                if (differences(*k, b->second.setting) == 1) candidates.push_back(k);
        if (candidates.empty()) candidates = unmeasured;
        const StageSetting *pick = candidates[0];
        double pick_ms = model.predict_ms(*pick);
        for (const StageSetting *k : candidates) {
            const double ms = model.predict_ms(*k);
            if (ms < pick_ms) pick = k, pick_ms = ms;
        }
        out[st.signature] = *pick;
    }
    return out;
}

std::map<std::string, BestSetting> best_settings(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials) {
    const std::map<std::string, Measured> measured = measured_by_signature(trials);
    std::map<std::string, BestSetting> out;
    for (const SearchStage &st : stages) {
        if (out.count(st.signature)) continue;
        const auto mit = measured.find(st.signature);
        if (mit == measured.end()) continue;
        // In the space's order, so that a tie goes to the setting listed first (the base).
        for (const StageSetting &k : st.space) {
            const auto it = mit->second.ms.find(key_of(k));
            if (it == mit->second.ms.end()) continue;
            const double ms = median_of(it->second);
            auto [b, fresh] = out.try_emplace(st.signature, BestSetting{k, ms, int(it->second.size())});
            if (!fresh && ms < b->second.ms) b->second = BestSetting{k, ms, int(it->second.size())};
        }
    }
    return out;
}

std::map<std::string, StageSetting> confirmed_choices(const std::vector<SearchStage> &stages, const std::map<std::string, StageSetting> &chosen,
                                                      const std::vector<std::vector<double>> &chosen_unit_ms,
                                                      const std::vector<std::vector<double>> &base_unit_ms, double margin, int &reverted) {
    std::map<std::string, double> with_chosen, with_base;  // by signature: its units' medians, summed
    for (size_t u = 0; u < stages.size() && u < chosen_unit_ms.size() && u < base_unit_ms.size(); u++) {
        with_chosen[stages[u].signature] += median_of(chosen_unit_ms[u]);
        with_base[stages[u].signature] += median_of(base_unit_ms[u]);
    }
    std::map<std::string, StageSetting> out = chosen;
    reverted = 0;
    for (const SearchStage &st : stages) {
        auto it = out.find(st.signature);
        if (it == out.end() || setting_to_json(it->second).dump() == setting_to_json(st.space[0]).dump()) continue;
        const double c = with_chosen[st.signature], b = with_base[st.signature];
        if (!(c > 0 && b > 0 && c < b * margin)) {
            it->second = st.space[0];
            reverted++;
        }
    }
    return out;
}

}  // namespace netc
