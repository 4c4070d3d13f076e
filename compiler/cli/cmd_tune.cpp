#include <algorithm>
#include <chrono>
#include <strings.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/args.h"
#include "netc_threads.h"
#include "schedule/model_fingerprint.h"
#include "schedule/plan_stages.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"
#include "tune/tune_fusion.h"
#include "tune/device_fingerprint.h"
#include "tune/tune_knobs.h"
#include "tune/stage_search.h"
#include "tune/trial_log.h"
#include "tune/baselines.h"
#include "tune/tune_search.h"
#include "cli/model_inputs.h"

namespace netc {

namespace {

std::string today() {
    char buf[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
    return buf;
}

// Tuning times candidates with Halide's JIT in this process, so the code must run here.
void require_runnable_here(const TargetInfo &t) {
    if (t.executor.kind == Executor::Kind::InProcess) return;
    if (t.executor.emulated())
        fail("", "", "--target", "netc tune times the code it tunes, and " + t.name + " code runs " + t.executor.describe() +
                                     " on this machine: emulated times say nothing about a device. Tune on the device itself (netc runs on "
                                     "64- and 32-bit ARM Debian), or start from schedules/" + t.name + ".json");
    fail("", "", "--target", t.executor.unavailable.empty() ? "netc tune runs " + t.name + " code in this process only" : t.executor.unavailable);
}

// A tuned file's head: what it is for and the knobs, every field written (the file stands alone).
nlohmann::ordered_json tuned_file(const Graph &g, const TargetInfo &target, const ScheduleParams &p, const std::string &description) {
    nlohmann::ordered_json file;
    file["netc_schedule"] = 1;
    file["target"] = target.name;
    file["model"] = g.name;
    file["model_fingerprint"] = model_fingerprint(g);
    file["description"] = description;
    const nlohmann::ordered_json j = schedule_to_json(p);
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "netc_schedule") file[it.key()] = it.value();
    return file;
}

void write_tuned_file(const std::string &out, const nlohmann::ordered_json &file) {
    std::error_code ec;
    if (std::filesystem::path(out).has_parent_path()) std::filesystem::create_directories(std::filesystem::path(out).parent_path(), ec);
    std::ofstream f(out);
    f << file.dump(2) << "\n";
    if (!f) fail(out, "", "-o", "cannot write the schedule file");
}

// "20m", "90s", "1h", "1200" (seconds).
double parse_budget(const std::string &text) {
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const std::string unit = end ? end : "";
    const double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
    if (text.empty() || !(v > 0) || scale < 0 || !std::isfinite(v)) throw UsageError("--budget expects a duration such as 20m, 90s or 1h, got '" + text + "'");
    return v * scale;
}

// Where the code runs must be a real device: this machine, or one a runner reaches.
void require_timeable(const TargetInfo &t) {
    if (t.executor.kind == Executor::Kind::InProcess) return;
    if (t.executor.emulated() || !t.executor.unavailable.empty()) require_runnable_here(t);  // says why not
    // Otherwise a user's runner takes the code to the device (docs/targets.md).
}

// --baselines: "all", "none", or names from baseline_names(), comma-separated.
std::vector<std::string> parse_baselines(const std::string &text) {
    if (text == "all") return baseline_names();
    if (text == "none") return {};
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= text.size()) {
        const size_t comma = std::min(text.find(',', at), text.size());
        const std::string name = text.substr(at, comma - at);
        const auto &known = baseline_names();
        const auto it = std::find_if(known.begin(), known.end(), [&](const std::string &k) { return strcasecmp(k.c_str(), name.c_str()) == 0; });
        if (it == known.end()) {
            std::string listed;
            for (const std::string &k : known) listed += (listed.empty() ? "" : ", ") + k;
            throw UsageError("--baselines: unknown baseline '" + name + "' (all, none, or from: " + listed + ")");
        }
        out.push_back(*it);
        at = comma + 1;
    }
    return out;
}

int tune_by_search(const Args &a, const Graph &g, const TargetInfo &target, const ScheduleParams &base, const std::string &out, int threads) {
    const std::vector<std::string> baselines = parse_baselines(a.get("--baselines", "all"));
    SearchOptions o;
    o.threads = threads;
    o.runs = a.get_int("--runs", 15, 10, 100000);
    o.rounds = a.get_int("--trials", 0, 0, 1000000);
    o.budget_seconds = a.has("--budget") ? parse_budget(a.get("--budget", "")) : o.rounds > 0 ? 1e18 : 1200;
    if (a.has("--budget") && a.has("--trials")) throw UsageError("give --budget or --trials, not both");
    o.seed = uint64_t(a.get_int("--seed", 1, 0, 2147483647));
    o.log = a.get("--log", "tune-" + g.name + "-" + target.name + ".jsonl");
    o.resume = a.has("--resume");
    if (o.resume && !std::filesystem::exists(o.log)) throw UsageError("--resume: no log " + o.log + " (give the one to continue with --log)");
    if (!o.resume && std::filesystem::exists(o.log))
        throw UsageError("the log " + o.log + " exists: continue it with --resume, or give another with --log");
    // Beside the log: a run killed mid-build leaves its build there, and the next run clears it.
    o.scratch = o.log + ".builds";
    std::error_code gone;
    std::filesystem::remove_all(o.scratch, gone);
    o.input = seeded_input(g, 1);
    o.progress = [](const std::string &s) { std::printf("%s\n", s.c_str()), std::fflush(stdout); };
    const DeviceFingerprint device = this_device(threads);
    std::printf("tuning %s for %s on %s by search: seed %llu, %s, %d runs per round; trials logged to %s\n", g.name.c_str(),
                target.name.c_str(), device.describe().c_str(), (unsigned long long)o.seed,
                o.rounds > 0 ? (std::to_string(o.rounds) + " rounds").c_str() : ("budget " + std::to_string(int(o.budget_seconds)) + "s").c_str(),
                o.runs, o.log.c_str());
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    const SearchResult r = tune_search(g, target, base, o);
    std::error_code ec;
    const double search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    BaselineOptions bo;
    bo.threads = threads, bo.runs = std::max(o.runs / 2, 5), bo.input = o.input, bo.progress = o.progress;
    bo.scratch = o.scratch + "/baselines";
    const std::vector<BaselineTiming> rows = time_against_baselines(g, target, r.params, base, baselines, bo);
    std::filesystem::remove_all(o.scratch, ec);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    nlohmann::ordered_json table = nlohmann::ordered_json::array();
    for (const BaselineTiming &row : rows) {
        nlohmann::ordered_json e = {{"schedule", row.name}, {"median_ms", row.ms}};
        if (!row.note.empty()) e["note"] = row.note;
        table.push_back(e);
    }
    nlohmann::ordered_json file =
        tuned_file(g, target, r.params, "Written by `netc tune --search`: each stage's knobs searched on the device, timed as compiled (docs/tuning.md).");
    file["tuned"] = {{"device", device.cpu}, {"device_fingerprint", device.to_json()}, {"date", today()}, {"threads", threads},
                     {"runs", o.runs}, {"started_from", base.source}, {"seconds", int(seconds)},
                     {"search", {{"seed", o.seed}, {"rounds", r.rounds}, {"trials", r.trials.size()}, {"resumed_trials", r.resumed},
                                 {"log", o.log}, {"stages_changed", r.changed}, {"signatures_reverted", r.reverted},
                                 {"search_seconds", int(search_seconds)}}},
                     {"baselines", table}};
    write_tuned_file(out, file);
    const double tuned_ms = rows[0].ms;
    std::printf("\n%-16s %12s %14s\n", "schedule", "median ms", "tuned / it");
    for (const BaselineTiming &row : rows) {
        if (row.ms > 0) std::printf("%-16s %12.3f %14.2f", row.name.c_str(), row.ms, tuned_ms / row.ms);
        else std::printf("%-16s %12s %14s", row.name.c_str(), "-", "-");
        std::printf("%s%s\n", row.note.empty() ? "" : "  ", row.note.c_str());
    }
    std::printf("(%s, %d thread%s; netc's schedules compiled ahead of time and timed in turns on netc's runtime in this process)\n",
                device.cpu.c_str(), threads, threads == 1 ? "" : "s");
    std::printf("%d rounds, %zu trials (%d from the log), %d stages changed; wrote %s in %.0fs\n", r.rounds, r.trials.size(), r.resumed,
                r.changed, out.c_str(), seconds);
    return 0;
}

// --emit-jobs DIR: independent searches (seeds S, S+1, ...), one self-contained command a line,
// for GNU parallel or a Slurm array; --merge then takes their logs.
int emit_jobs(const Args &a, const std::string &spec, const TargetInfo &target, int threads) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::absolute(a.get("--emit-jobs", ""));
    const int jobs = a.get_int("--jobs", 4, 1, 100000);
    const int seed = a.get_int("--seed", 1, 0, 2147483647);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) fail(dir.string(), "", "--emit-jobs", "cannot create the directory: " + ec.message());
    std::string self = "netc";
    if (const auto exe = fs::read_symlink("/proc/self/exe", ec); !ec) self = exe.string();
    std::string common = " tune " + fs::absolute(spec).string() + " --search --target " + target.name + " --threads " + std::to_string(threads);
    for (const char *flag : {"--budget", "--trials", "--runs", "--schedule", "--alpha", "--input-size", "--input-shape"})
        if (a.has(flag)) common += std::string(" ") + flag + " " + a.get(flag, "");
    common += " --baselines none";  // a job searches; baselines are timed by a run of its own
    std::ofstream f(dir / "jobs.txt");
    for (int i = 0; i < jobs; i++) {
        const std::string n = std::to_string(i + 1);
        f << self << common << " --seed " << seed + i << " --log " << (dir / ("trials-" + n + ".jsonl")).string() << " -o "
          << (dir / ("schedule-" + n + ".json")).string() << "\n";
    }
    std::ofstream slurm(dir / "tune.sbatch");
    slurm << "#!/bin/bash\n# A Slurm job array of the jobs in jobs.txt, one search a task: sbatch " << (dir / "tune.sbatch").string()
          << "\n#SBATCH --job-name=netc-tune\n#SBATCH --array=1-" << jobs << "\n#SBATCH --cpus-per-task=" << threads
          << "\n#SBATCH --exclusive\nsed -n \"${SLURM_ARRAY_TASK_ID}p\" " << (dir / "jobs.txt").string() << " | bash\n";
    if (!f || !slurm) fail(dir.string(), "", "--emit-jobs", "cannot write jobs.txt or tune.sbatch");
    std::printf("wrote %d searches (seeds %d to %d) to %s/jobs.txt, and %s/tune.sbatch\n"
                "run them one per machine (each times its code: never two on one machine at once):\n"
                "  parallel -j1 --sshloginfile HOSTS < %s/jobs.txt     # or on this machine: parallel -j1 < ...\n"
                "  sbatch %s/tune.sbatch                               # a Slurm array, one exclusive node a task\n"
                "then: netc tune %s --merge %s/trials-*.jsonl\n",
                jobs, seed, seed + jobs - 1, dir.c_str(), dir.c_str(), dir.c_str(), dir.c_str(), spec.c_str(), dir.c_str());
    return 0;
}

// --merge LOGS: the best setting per stage signature over every log's trials, whatever their
// order; the schedule file from it (no timing here, no date: the same logs give the same bytes).
int merge_logs(const Args &a, const Graph &g, const TargetInfo &target, const ScheduleParams &base, const std::string &out) {
    std::vector<TrialLog> logs;
    std::vector<std::string> paths = a.positional();
    paths.erase(paths.begin());  // the spec
    if (paths.empty()) throw UsageError("--merge needs the logs: netc tune SPEC --merge LOG...");
    for (const std::string &p : paths) logs.push_back(read_trial_log(p));
    const TrialLog merged = merge_trial_logs(logs, a.has("--allow-mixed-devices"));
    const std::string fingerprint = model_fingerprint(g);
    for (const Trial &t : merged.trials)
        if (t.model_fingerprint != fingerprint || t.target != target.name)
            fail("", "", "--merge", "a log holds trials of another model or target (" + t.model_fingerprint + ", " + t.target + "); this is " +
                                        fingerprint + " for " + target.name);
    const Graph opt = optimize(g);
    const std::vector<SearchStage> stages = search_stages(opt, target, base);
    std::map<std::string, StageSetting> best;
    for (const auto &[sig, b] : best_settings(stages, merged.trials)) best[sig] = b.setting;
    const ScheduleParams p = with_settings(opt, target, base, stages, best);
    int changed = 0;
    for (const SearchStage &st : stages) {
        const auto b = best.find(st.signature);
        changed += b != best.end() && setting_to_json(b->second).dump() != setting_to_json(st.space[0]).dump();
    }
    nlohmann::ordered_json file = tuned_file(g, target, p, "Written by `netc tune --merge`: the best setting of each stage over the merged searches' trials (docs/tuning.md).");
    nlohmann::ordered_json devices = nlohmann::ordered_json::array();
    for (const auto &d : merged.devices) devices.push_back(d.to_json());
    file["tuned"] = {{"device", merged.devices.empty() ? "" : merged.devices[0].cpu},
                     {"device_fingerprint", merged.devices.size() == 1 ? merged.devices[0].to_json() : nlohmann::ordered_json()},
                     {"devices", devices}, {"started_from", base.source},
                     {"merge", {{"logs", paths.size()}, {"trials", merged.trials.size()}, {"stages_changed", changed}}}};
    if (merged.devices.size() != 1) file["tuned"].erase("device_fingerprint");
    write_tuned_file(out, file);
    std::printf("merged %zu logs: %zu trials from %zu device%s; %d stages changed; wrote %s\n", paths.size(), merged.trials.size(),
                merged.devices.size(), merged.devices.size() == 1 ? "" : "s", changed, out.c_str());
    return 0;
}

}  // namespace

int cmd_tune(int argc, char **argv) {
    Args a(argc, argv, 2,
           {"--alpha", "--input-size", "--input-shape", "--target", "--schedule", "--threads", "--runs", "-o", "--budget", "--trials", "--seed", "--log",
            "--emit-jobs", "--jobs", "--baselines"},
           {"--fusion-only", "--search", "--resume", "--merge", "--allow-mixed-devices"});
    if (a.help()) {
        std::puts(
            "usage: netc tune SPEC [options]\n"
            "\n"
            "Measures, on this machine, every stage boundary the model could fuse (a depthwise conv\n"
            "into the pointwise conv after it, a squeeze-excite scale into its conv, a residual add into\n"
            "the conv before it, an expand conv into the depthwise and project convs after it, ...):\n"
            "the stages involved are compiled both ways with the JIT and timed (median of --runs after\n"
            "a warm-up), one boundary at a time in graph order, expand convs last. Then each stage\n"
            "is timed with other register tiles (channel vectors x pixels) and depthwise pixel runs,\n"
            "keeping one only if it is 3% faster than the default. Writes a schedule file with the\n"
            "choices and the measurements, which `netc compile` then uses by default for this model\n"
            "and target. See docs/fusion.md.\n"
            "\n"
            "options:\n"
            "  --target T          host (default) or a target this machine runs: x86-64-avx2, x86-64-avx512, x86-64-sse41,\n"
            "                      arm-64-linux on an ARM machine\n"
            "  --schedule F        the knobs to start from (default: schedules/<target>.json)\n"
            "  --threads N         threads the stages run on while timed (default: one per CPU this process may use)\n"
            "  --runs N            timed runs per candidate stage, median taken (default 30, at least 10)\n"
            "  -o FILE             where to write (default: schedules/<target>/<model>.json)\n"
            "  --fusion-only       decide the fusion only; keep the target's knobs for every stage\n"
            "\n"
            "  --search            instead: search each stage's knobs (docs/tuning.md). Rounds each compile the whole model\n"
            "                      ahead of time with one setting per stage signature, check it against the reference\n"
            "                      interpreter, and time every stage with netc's runtime and thread pool; a cost model\n"
            "                      fitted on the trials so far proposes the next settings: fusion, register tiles, depthwise\n"
            "                      runs, where a fused layer is computed, expand strips.\n"
            "  --budget D          stop starting rounds after D (20m, 90s, 1h; default 20m)\n"
            "  --trials N          or after N rounds\n"
            "  --seed S            the search's seed (default 1): the same seed and measurements give the same file\n"
            "  --log F             every trial, a JSON line each, appended as measured (default tune-<model>-<target>.jsonl)\n"
            "  --resume            continue the search in --log's file (after a kill, or with a larger budget)\n"
            "  --baselines LIST    what the tuned schedule is timed against at the end, in this run (default all):\n"
            "                      default (the target's schedule), greedy (the tuner without --search), Adams2019, Li2018,\n"
            "                      Mullapudi2016 (Halide's autoschedulers), onnxruntime; comma-separated, or none\n"
            "  --emit-jobs DIR     instead of searching: DIR/jobs.txt, --jobs N (default 4) independent searches (seeds\n"
            "                      --seed, +1, ...), one command a line, for GNU parallel or DIR/tune.sbatch (Slurm)\n"
            "  --merge LOG...      instead of searching: the best setting per stage over these logs' trials (any order:\n"
            "                      the same file); refuses logs of several devices unless --allow-mixed-devices");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const int runs = a.get_int("--runs", 30, 10, 100000);
    const int threads = a.get_int("--threads", netc_usable_cpus(), 1, 1024);
    // Read by Halide's thread pool when the first pipeline runs.
    setenv("HL_NUM_THREADS", std::to_string(threads).c_str(), 1);
    const bool merge = a.has("--merge"), emit = a.has("--emit-jobs");
    if (int(merge) + int(emit) + int(a.has("--search")) > 1) throw UsageError("give one of --search, --emit-jobs and --merge");
    if (merge && a.positional().empty()) throw UsageError("expected the spec file, then the logs: netc tune SPEC --merge LOG...");
    const std::string spec = merge ? a.positional()[0] : a.one_positional("spec file");
    const Graph g = load_model(spec, model_options(a));
    const TargetInfo target = resolve_target(a.get("--target", "host"));
    if (emit) return emit_jobs(a, spec, target, threads);  // timed where the jobs run
    if (a.has("--search")) require_timeable(target);
    else if (!merge) require_runnable_here(target);
    const std::string base_file = a.get("--schedule", "");
    // Tuning starts from the target's knobs, never from an earlier tuning of this model.
    const ScheduleParams base = base_file.empty() ? schedule_params_for(target.name, "", "", "") : load_schedule_params(base_file);
    const std::string out = a.get("-o", tuned_schedule_file(target.name, g.name));
    if (merge) return merge_logs(a, g, target, base, out);
    if (a.has("--search")) {
        if (a.has("--fusion-only")) throw UsageError("--fusion-only is the greedy tuner's; --search searches fusion and knobs together");
        return tune_by_search(a, g, target, base, out, threads);
    }
    for (const char *flag : {"--budget", "--trials", "--seed", "--log", "--resume", "--baselines"})
        if (a.has(flag)) throw UsageError(std::string(flag) + " goes with --search");

    const Graph opt = optimize(g);
    std::printf("tuning %s for %s on %s, %d thread%s, %d runs per candidate; starting from %s\n", g.name.c_str(), target.name.c_str(),
                this_device(threads).cpu.c_str(), threads, threads == 1 ? "" : "s", runs, base.source.c_str());
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    const auto print = [](const std::string &s) { std::printf("%s\n", s.c_str()), std::fflush(stdout); };
    FusionTuning t = tune_fusion(opt, target, base, runs, print);
    std::vector<StageTuning> knobs;
    if (!a.has("--fusion-only")) {
        std::printf("per-stage knobs:\n");
        knobs = tune_stage_knobs(opt, target, t.params, runs, print);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    nlohmann::ordered_json file = tuned_file(g, target, t.params, "Written by `netc tune`: fusion measured per boundary on this machine (see docs/fusion.md).");
    nlohmann::ordered_json measured = nlohmann::ordered_json::array();
    double fused_total = 0, apart_total = 0;
    int fused = 0;
    for (const BoundaryTiming &b : t.boundaries) {
        measured.push_back({{"layer", b.layer}, {"into", b.next}, {"kind", fusion_kind_name(b.kind)}, {"fused_ms", b.fused_ms},
                            {"apart_ms", b.unfused_ms}, {"fused", b.fused}});
        fused += b.fused;
        fused_total += b.fused ? b.fused_ms : b.unfused_ms;
        apart_total += b.unfused_ms;
    }
    nlohmann::ordered_json stage_times = nlohmann::ordered_json::array();
    double default_total = 0, chosen_total = 0;
    int changed = 0;
    for (const StageTuning &k : knobs) {
        stage_times.push_back({{"stage", k.stage}, {"chosen", k.chosen}, {"default_ms", k.default_ms}, {"chosen_ms", k.best_ms}});
        default_total += k.default_ms;
        chosen_total += k.best_ms;
        changed += k.chosen != "default";
    }
    file["tuned"] = {{"device", this_device(threads).cpu}, {"device_fingerprint", this_device(threads).to_json()}, {"date", today()}, {"threads", threads},
                     {"runs", runs}, {"started_from", base.source},
                     {"seconds", int(seconds)}, {"boundaries", measured}, {"stages", stage_times}};
    write_tuned_file(out, file);
    std::printf("%d of %zu boundaries fused; the stages they touch: %.3f ms as chosen vs %.3f ms with none fused (JIT, %d thread%s)\n",
                fused, t.boundaries.size(), fused_total, apart_total, threads, threads == 1 ? "" : "s");
    if (!knobs.empty())
        std::printf("%d of %zu stages with knobs of their own: %.3f ms as chosen vs %.3f ms with the target's (JIT, sum of stages)\n", changed,
                    knobs.size(), chosen_total, default_total);
    std::printf("wrote %s in %.0fs; netc compile uses it for %s (fingerprint %s, whatever its file is called) on %s%s\n", out.c_str(),
                seconds, g.name.c_str(), model_fingerprint(g).c_str(), target.name.c_str(),
                a.has("-o") ? " when given --schedule with it" : "");
    return 0;
}

}  // namespace netc
