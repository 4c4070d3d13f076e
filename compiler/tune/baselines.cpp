#include "tune/baselines.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "exec/onnxruntime_baseline.h"
#include "reference/reference.h"
#include "schedule/autoschedule.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"
#include "tune/time_round.h"
#include "tune/tune_fusion.h"
#include "tune/tune_knobs.h"

namespace netc {

namespace {

constexpr int kBlocks = 6;

bool is_autoscheduler(const std::string &name) {
    const auto &names = autoscheduler_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The greedy tuner's schedule, found now (it times with the JIT on Halide's pool, as it always has).
ScheduleParams greedy_schedule(const Graph &unfused, const TargetInfo &t, const ScheduleParams &base, int runs, std::string &note) {
    const auto t0 = std::chrono::steady_clock::now();
    const Graph opt = optimize(unfused);
    const auto quiet = [](const std::string &) {};
    FusionTuning f = tune_fusion(opt, t, base, runs, quiet);
    tune_stage_knobs(opt, t, f.params, runs, quiet);
    note = "tuned in " + std::to_string(int(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count())) + "s";
    return f.params;
}

}  // namespace

const std::vector<std::string> &baseline_names() {
    static const std::vector<std::string> names = {"default", "greedy", "Adams2019", "Li2018", "Mullapudi2016", "onnxruntime"};
    return names;
}

std::vector<BaselineTiming> time_against_baselines(const Graph &unfused, const TargetInfo &t, const ScheduleParams &tuned,
                                                   const ScheduleParams &base, const std::vector<std::string> &names, const BaselineOptions &o) {
    std::vector<BaselineTiming> rows = {{"tuned", 0, ""}};
    std::vector<ScheduleParams> schedules = {tuned};
    std::vector<size_t> row_of = {0};
    bool onnxruntime = false;
    for (const std::string &name : baseline_names()) {
        if (std::find(names.begin(), names.end(), name) == names.end()) continue;
        if (name == "onnxruntime") {
            onnxruntime = true;
            continue;
        }
        rows.push_back({name, 0, ""});
        if (name == "default") {
            schedules.push_back(base);
        } else if (name == "greedy") {
            if (o.progress) o.progress("baseline: running the greedy tuner (JIT, one boundary and stage at a time)...");
            schedules.push_back(greedy_schedule(unfused, t, base, o.runs, rows.back().note));
        } else if (is_autoscheduler(name)) {
            ScheduleParams p = base;
            p.autoscheduler = name, p.autoscheduler_parallelism = o.threads;
            p.source = name + " (Halide's autoscheduler)";
            schedules.push_back(p);
        }
        row_of.push_back(rows.size() - 1);
    }
    if (o.progress) o.progress("timing the tuned schedule against " + std::to_string(schedules.size() - 1) + " baseline schedules in turns" +
                               (schedules.size() > 2 ? " (each is compiled first: the autoschedulers take a while)" : "") + "...");
    const std::vector<std::vector<float>> reference = run_reference(unfused, o.input);
    const std::vector<ScheduleTiming> timed =
        compare_schedules(unfused, t, schedules, o.scratch, o.threads, o.runs, kBlocks, o.input, reference);
    if (!timed[0].note.empty()) fail("", "", "", "the tuned schedule " + timed[0].note);
    for (size_t i = 0; i < timed.size(); i++) {
        BaselineTiming &r = rows[row_of[i]];
        r.ms = timed[i].ms;
        if (!timed[i].note.empty()) r.note = timed[i].note;
    }
    if (onnxruntime) {
        if (o.progress) o.progress("baseline: ONNX Runtime on the same network and weights...");
        BaselineTiming r{"onnxruntime", 0, ""};
        if (t.executor.kind != Executor::Kind::InProcess) {
            r.note = "runs on this machine only, not where " + t.name + " code runs";
            rows.push_back(r);
            return rows;
        }
        try {
            const OrtBaseline ort = run_onnxruntime(unfused, o.input, o.threads, o.runs * kBlocks, o.scratch + "/onnxruntime");
            r.ms = ort.median_ms;
            r.note = "onnxruntime " + ort.version + ", its own process";
        } catch (const CompileError &e) {
            r.note = format(e.diag);
        }
        rows.push_back(r);
    }
    return rows;
}

}  // namespace netc
