#include "tune/tune_search.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "analysis/sample_stats.h"
#include "reference/reference.h"
#include "schedule/model_fingerprint.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"
#include "tune/stage_search.h"
#include "tune/time_round.h"

namespace netc {

namespace {

constexpr int kConfirmBlocks = 4;       // blocks of runs, in turns, when confirming the choices
constexpr double kConfirmMargin = 0.98;  // a chosen setting stays if its units are 2% faster than the base's

std::string seconds_text(double s) {
    char buf[32];
    if (s >= 90) std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), std::fmod(s, 60));
    else std::snprintf(buf, sizeof buf, "%.0fs", s);
    return buf;
}

}  // namespace

SearchResult tune_search(const Graph &unfused, const TargetInfo &t, const ScheduleParams &base, const SearchOptions &o) {
    namespace fs = std::filesystem;
    const Graph opt = optimize(unfused);
    const std::vector<SearchStage> stages = search_stages(opt, t, base);
    const DeviceFingerprint device = this_device(o.threads);
    const std::string fingerprint = model_fingerprint(unfused);
    SearchResult result;
    result.params = base;
    int first_round = 0;
    if (o.resume) {
        const TrialLog log = read_trial_log(o.log);
        for (const Trial &tr : log.trials) {
            if (tr.model_fingerprint != fingerprint || tr.target != t.name)
                fail(o.log, "", "--resume", "holds trials of another model or target (" + tr.model_fingerprint + ", " + tr.target + "); this is " +
                                                fingerprint + " for " + t.name);
            if (tr.device != device.id())
                fail(o.log, "", "--resume", "was measured on another device or thread count (" + log.devices[0].describe() + "); this is " +
                                                device.describe());
            result.trials.push_back(tr);
            first_round = std::max(first_round, tr.round + 1);
        }
        result.resumed = int(result.trials.size());
        if (o.progress)
            o.progress("resuming from " + o.log + ": " + std::to_string(result.resumed) + " trials of " + std::to_string(first_round) + " rounds" +
                       (log.torn_tail ? " (its last line was cut short: that trial is measured again)" : ""));
    }
    const std::vector<float> &input = o.input;
    const std::vector<std::vector<float>> reference = run_reference(unfused, input);
    const auto t0 = std::chrono::steady_clock::now();
    double round_seconds = 0;
    double base_sum = 0;  // the stages' medians in round 0 (the base schedule)
    for (int round = first_round;; round++) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (o.rounds > 0 ? result.rounds >= o.rounds : elapsed + round_seconds > o.budget_seconds) break;
        const auto r0 = std::chrono::steady_clock::now();
        const auto proposals = propose_round(stages, result.trials, o.seed, round);
        const ScheduleParams params = with_settings(opt, t, base, stages, proposals);
        const std::string scratch = (fs::path(o.scratch) / ("round_" + std::to_string(round))).string();
        const RoundTiming rt = time_round(unfused, t, params, scratch, o.threads, o.runs, input, reference);
        std::error_code ec;
        fs::remove_all(scratch, ec);
        const std::vector<std::vector<double>> units_ms = unit_times(opt, stages, rt.stage_names, rt.stage_ms);
        for (size_t u = 0; u < stages.size(); u++) {
            const SearchStage &st = stages[u];
            Trial tr;
            tr.model_fingerprint = fingerprint, tr.target = t.name, tr.device = device.id(), tr.netc_version = NETC_VERSION;
            tr.round = round, tr.stage = st.name, tr.signature = st.signature, tr.knobs = setting_to_json(proposals.at(st.signature));
            tr.compile_seconds = rt.compile_seconds, tr.ok = rt.ok, tr.note = rt.note;
            if (rt.ok && units_ms[u].empty()) tr.ok = false, tr.note = "the build has no stage of this unit";
            if (tr.ok) {
                const std::vector<double> &runs = units_ms[u];
                tr.runs = int(runs.size()), tr.median_ms = median_of(runs), tr.spread_ms = iqr_of(runs);
            }
            append_trial(o.log, tr, device);
            result.trials.push_back(tr);
        }
        result.rounds++;
        round_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
        if (o.progress) {
            // Sums over the stages: as measured in round 0 (the base), and with each stage's
            // signature at its best so far.
            const auto best = best_settings(stages, result.trials);
            double best_sum = 0;
            for (const SearchStage &st : stages) {
                const auto b = best.find(st.signature);
                if (b != best.end()) best_sum += b->second.ms;
            }
            if (base_sum == 0)
                for (const Trial &tr : result.trials)
                    if (tr.round == 0 && tr.ok) base_sum += tr.median_ms;
            const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double left = o.rounds > 0 ? round_seconds * (o.rounds - result.rounds) : std::max(0.0, o.budget_seconds - spent);
            char line[512];
            std::snprintf(line, sizeof line, "round %d: %s (build %.1fs)%s; %zu trials; stages as best so far %.3f ms, base %.3f ms; ETA %s",
                          round, rt.ok ? "measured" : "DISCARDED", rt.compile_seconds, rt.ok ? "" : (": " + rt.note).c_str(),
                          result.trials.size(), best_sum, base_sum, seconds_text(left).c_str());
            o.progress(line);
        }
    }
    // The best setting of each signature.
    std::map<std::string, StageSetting> chosen;
    for (const auto &[sig, b] : best_settings(stages, result.trials)) chosen[sig] = b.setting;
    // Confirmed before kept: the chosen settings built together and the base, each stage timed
    // in turns; a signature whose units are not 2% faster so keeps the base setting. (The best
    // of many noisy single measurements is optimistic, and a unit's time can depend on its
    // neighbours' settings, which no round had all at once.)
    if (o.progress) o.progress("confirming the chosen settings against the base schedule, built together and timed in turns...");
    const std::vector<ScheduleTiming> confirm =
        compare_schedules(unfused, t, {with_settings(opt, t, base, stages, chosen), base}, (fs::path(o.scratch) / "confirm").string(), o.threads,
                          o.runs, kConfirmBlocks, input, reference, true);
    if (!confirm[0].note.empty() || !confirm[1].note.empty()) {
        if (o.progress) o.progress("the chosen settings together: " + confirm[0].note + confirm[1].note + "; keeping the base schedule");
        chosen.clear();
    } else {
        chosen = confirmed_choices(stages, chosen, unit_times(opt, stages, confirm[0].stage_names, confirm[0].stage_ms),
                                   unit_times(opt, stages, confirm[1].stage_names, confirm[1].stage_ms), kConfirmMargin, result.reverted);
        if (o.progress)
            o.progress("confirmed: " + std::to_string(result.reverted) + " stage signatures back to the base setting (not 2% faster in the same run)");
    }
    std::error_code gone;
    fs::remove_all(fs::path(o.scratch) / "confirm", gone);
    result.params = with_settings(opt, t, base, stages, chosen);
    for (const SearchStage &st : stages) {
        const auto it = chosen.find(st.signature);
        result.changed += it != chosen.end() && setting_to_json(it->second).dump() != setting_to_json(st.space[0]).dump();
    }
    return result;
}

}  // namespace netc
