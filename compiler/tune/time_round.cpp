#include "tune/time_round.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/sample_stats.h"
#include "codegen/compile_model.h"
#include "exec/compiled_model.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

// max |a - b| / max |b| of every output, or the first problem.
std::string mismatch(const std::vector<std::vector<float>> &got, const std::vector<std::vector<float>> &want) {
    if (got.size() != want.size()) return "the build gave " + std::to_string(got.size()) + " outputs, the reference " + std::to_string(want.size());
    for (size_t o = 0; o < got.size(); o++) {
        if (got[o].size() < want[o].size()) return "output " + std::to_string(o) + " is short";
        double diff = 0, scale = 0;
        for (size_t i = 0; i < want[o].size(); i++) {
            const double d = std::fabs(double(got[o][i]) - double(want[o][i]));
            diff = std::isnan(d) ? INFINITY : std::max(diff, d);
            scale = std::max(scale, std::fabs(double(want[o][i])));
        }
        if (!(diff <= 1e-4 * std::max(scale, 1e-30)))
            return "miscomputed: output " + std::to_string(o) + " is " + std::to_string(diff / std::max(scale, 1e-30)) +
                   " (relative) from the reference interpreter's";
    }
    return "";
}

// The model built with `params` into `dir`, opened: what both a round and a comparison run.
std::unique_ptr<CompiledModel> build(const Graph &unfused, const TargetInfo &t, const ScheduleParams &params, const std::string &dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string schedule = (fs::path(dir) / "round_schedule.json").string();
    nlohmann::ordered_json j = schedule_to_json(params);
    j["target"] = t.name;
    std::ofstream(schedule) << j.dump(2) << "\n";
    CompileOptions o;
    o.target = t.name;
    o.generated_dir = dir;
    o.schedule_file = schedule;
    compile_model(unfused, o);
    return open_compiled_model(dir, unfused, t);
}

}  // namespace

std::vector<ScheduleTiming> compare_schedules(const Graph &unfused, const TargetInfo &t, const std::vector<ScheduleParams> &schedules,
                                              const std::string &scratch, int threads, int runs_per_block, int blocks,
                                              const std::vector<float> &input, const std::vector<std::vector<float>> &reference,
                                              bool per_stage) {
    std::vector<ScheduleTiming> out(schedules.size());
    std::vector<std::unique_ptr<CompiledModel>> models(schedules.size());
    for (size_t i = 0; i < schedules.size(); i++) {
        try {
            models[i] = build(unfused, t, schedules[i], scratch + "/schedule_" + std::to_string(i));
        } catch (const CompileError &e) {
            out[i].note = "the build failed: " + format(e.diag);
            continue;
        } catch (const Halide::Error &e) {
            out[i].note = std::string("the build failed: Halide: ") + e.what();
            continue;
        }
        models[i]->set_threads(threads);
        out[i].note = mismatch(models[i]->run(input), reference);
        if (!out[i].note.empty()) models[i].reset();
        else if (per_stage) out[i].stage_names = models[i]->stage_names();
    }
    std::vector<std::vector<double>> ms(models.size());
    for (int b = 0; b < blocks; b++)
        for (size_t i = 0; i < models.size(); i++) {
            if (!models[i]) continue;
            const int warmup = b == 0 ? 3 : 1;
            if (!per_stage) {
                const std::vector<double> runs = models[i]->time_runs(input, warmup, runs_per_block);
                ms[i].insert(ms[i].end(), runs.begin(), runs.end());
                continue;
            }
            const std::vector<std::vector<double>> stages = models[i]->stage_time_runs(input, warmup, runs_per_block);
            out[i].stage_ms.resize(stages.size());
            for (size_t s = 0; s < stages.size(); s++) out[i].stage_ms[s].insert(out[i].stage_ms[s].end(), stages[s].begin(), stages[s].end());
            for (int r = 0; r < runs_per_block; r++) {
                double sum = 0;
                for (const auto &stage : stages) sum += size_t(r) < stage.size() ? stage[size_t(r)] : 0.0;
                ms[i].push_back(sum);
            }
        }
    for (size_t i = 0; i < models.size(); i++)
        if (models[i]) out[i].ms = median_of(ms[i]);
    return out;
}

RoundTiming time_round(const Graph &unfused, const TargetInfo &t, const ScheduleParams &params, const std::string &scratch, int threads,
                       int runs, const std::vector<float> &input, const std::vector<std::vector<float>> &reference) {
    RoundTiming r;
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<CompiledModel> m;
    try {
        m = build(unfused, t, params, scratch);
    } catch (const CompileError &e) {
        r.note = "the build failed: " + format(e.diag);
        return r;
    }
    r.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m->set_threads(threads);
    r.note = mismatch(m->run(input), reference);
    if (!r.note.empty()) return r;
    r.stage_names = m->stage_names();
    // Warm-up runs first: the first touches every page and starts the thread pool.
    r.stage_ms = m->stage_time_runs(input, 3, runs);
    std::vector<double> sums(size_t(runs), 0.0);
    for (const auto &stage : r.stage_ms)
        for (size_t k = 0; k < stage.size() && k < sums.size(); k++) sums[k] += stage[k];
    r.model_ms = median_of(sums);
    r.ok = true;
    return r;
}

}  // namespace netc
