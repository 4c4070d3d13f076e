#include "tune/stage_search.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/sample_stats.h"
#include "codegen/output_files.h"
#include "schedule/default_schedule.h"

namespace netc {

namespace {

constexpr int kExplorePercent = 20;  // rounds that measure a random unmeasured setting, once the model has data
constexpr size_t kMinForModel = 3;   // distinct settings measured before the model is trusted

std::string key_of(const StageKnobs &k) { return knobs_to_json(k).dump(); }

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
        const std::string key = key_of(knobs_from_json(t.knobs));
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
    return k;
}

std::vector<SearchStage> search_stages(const Graph &opt, const TargetInfo &t, const ScheduleParams &base) {
    const StagePlan plan = plan_stages(opt, t, base);
    std::vector<SearchStage> out;
    for (const StageGroup &group : plan.stages) {
        const TunableLayers tunable = tunable_layers(opt, group);
        const int conv = tunable.conv, depthwise = tunable.depthwise;
        if (!tunable.any()) continue;  // nothing the knobs change
        SearchStage st;
        st.name = stage_name(opt, group);
        st.signature = stage_signature(opt, group);
        const ScheduleParams own = base.for_stage(st.name);
        // The base setting, spelled out (tile_pixels 0 is "as many as fit").
        StageKnobs first;
        if (conv >= 0) {
            const Shape o = opt.layers[size_t(group.layers[size_t(conv)])].out;
            st.tile_width = stage_conv_tiling(opt, group, size_t(conv), t, own).flat ? o.w * o.h : o.w;
            first.conv_vectors_per_block = own.conv_vectors_per_block;
            first.conv_tile_pixels = own.conv_tile_pixels > 0 ? own.conv_tile_pixels : register_tile_pixels(t, own.conv_vectors_per_block);
        }
        if (depthwise >= 0) first.depthwise_pixel_run = own.depthwise_pixel_run, first.depthwise_pixels_outer = own.depthwise_pixels_outer;
        std::vector<StageKnobs> convs = {StageKnobs{}}, depthwises = {StageKnobs{}};
        if (conv >= 0) {
            convs.clear();
            for (int vectors : {1, 2})
                for (int px = 1; px <= register_tile_pixels(t, vectors); px++) {
                    StageKnobs k;
                    k.conv_vectors_per_block = vectors, k.conv_tile_pixels = px;
                    convs.push_back(k);
                }
        }
        if (depthwise >= 0) {
            depthwises.clear();
            for (bool outer : {false, true})
                for (int run : {1, 2, 3, 4, 6, 8}) {
                    StageKnobs k;
                    k.depthwise_pixel_run = run, k.depthwise_pixels_outer = outer;
                    depthwises.push_back(k);
                }
        }
        std::set<std::string> seen;
        auto add = [&](const StageKnobs &k) {
            ScheduleParams p = base;
            p.stages[st.name] = k;
            // A fused layer's buffer must still fit with this tile (what lower_stage checks).
            if (!seen.insert(key_of(k)).second || !stage_schedule_problem(opt, group, t, p.for_stage(st.name)).empty()) return;
            st.space.push_back(k);
        };
        add(first);
        if (st.space.empty()) continue;  // the base setting itself cannot be scheduled: leave the stage alone
        for (const StageKnobs &c : convs)
            for (const StageKnobs &d : depthwises) {
                StageKnobs k = c;
                k.depthwise_pixel_run = d.depthwise_pixel_run, k.depthwise_pixels_outer = d.depthwise_pixels_outer;
                add(k);
            }
        out.push_back(st);
    }
    return out;
}

std::vector<double> StageCostModel::features(const StageKnobs &k) const {
    std::vector<double> f = {1.0};
    if (k.conv_vectors_per_block) {
        const int px = std::max(*k.conv_tile_pixels, 1), width = std::max(tile_width_, 1);
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
    return f;
}

void StageCostModel::fit(const std::vector<std::pair<StageKnobs, double>> &measured_ms) {
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

double StageCostModel::predict_ms(const StageKnobs &k) const {
    const std::vector<double> f = features(k);
    double y = 0;
    for (size_t i = 0; i < f.size() && i < weights_.size(); i++) y += f[i] * weights_[i];
    return std::exp(y);
}

std::map<std::string, StageKnobs> propose_round(const std::vector<SearchStage> &stages, const std::vector<Trial> &trials, uint64_t seed,
                                                int round) {
    const std::map<std::string, Measured> measured = measured_by_signature(trials);
    const std::map<std::string, BestSetting> best = best_settings(stages, trials);
    std::map<std::string, StageKnobs> out;
    for (const SearchStage &st : stages) {
        if (out.count(st.signature)) continue;  // the first stage of a signature speaks for all
        if (round == 0) {
            out[st.signature] = st.space[0];
            continue;
        }
        static const Measured none;
        const auto mit = measured.find(st.signature);
        const Measured &m = mit == measured.end() ? none : mit->second;
        std::vector<const StageKnobs *> unmeasured;
        for (const StageKnobs &k : st.space)
            if (!m.ms.count(key_of(k)) && !m.bad.count(key_of(k))) unmeasured.push_back(&k);
        if (unmeasured.empty()) {
            const auto b = best.find(st.signature);
            out[st.signature] = b != best.end() ? b->second.knobs : st.space[0];
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
        std::vector<std::pair<StageKnobs, double>> data;
        for (const StageKnobs &k : st.space) {
            const auto it = m.ms.find(key_of(k));
            if (it != m.ms.end()) data.push_back({k, median_of(it->second)});
        }
        model.fit(data);
        const StageKnobs *pick = unmeasured[0];
        double pick_ms = model.predict_ms(*pick);
        for (const StageKnobs *k : unmeasured) {
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
        for (const StageKnobs &k : st.space) {
            const auto it = mit->second.ms.find(key_of(k));
            if (it == mit->second.ms.end()) continue;
            const double ms = median_of(it->second);
            auto [b, fresh] = out.try_emplace(st.signature, BestSetting{k, ms, int(it->second.size())});
            if (!fresh && ms < b->second.ms) b->second = BestSetting{k, ms, int(it->second.size())};
        }
    }
    return out;
}

}  // namespace netc
