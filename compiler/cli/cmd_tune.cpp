#include <chrono>
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

namespace netc {

namespace {

std::string cpu_model_name() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

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

}  // namespace

int cmd_tune(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--target", "--schedule", "--threads", "--runs", "-o"}, {"--fusion-only"});
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
            "  --fusion-only       decide the fusion only; keep the target's knobs for every stage");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const int runs = a.get_int("--runs", 30, 10, 100000);
    const int threads = a.get_int("--threads", netc_usable_cpus(), 1, 1024);
    // Read by Halide's thread pool when the first pipeline runs.
    setenv("HL_NUM_THREADS", std::to_string(threads).c_str(), 1);
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const TargetInfo target = resolve_target(a.get("--target", "host"));
    require_runnable_here(target);
    const std::string base_file = a.get("--schedule", "");
    // Tuning starts from the target's knobs, never from an earlier tuning of this model.
    const ScheduleParams base = base_file.empty() ? schedule_params_for(target.name, "", "", "") : load_schedule_params(base_file);
    const std::string out = a.get("-o", tuned_schedule_file(target.name, g.name));

    const Graph opt = optimize(g);
    std::printf("tuning %s for %s on %s, %d thread%s, %d runs per candidate; starting from %s\n", g.name.c_str(), target.name.c_str(),
                cpu_model_name().c_str(), threads, threads == 1 ? "" : "s", runs, base.source.c_str());
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

    nlohmann::ordered_json j = schedule_to_json(t.params);
    nlohmann::ordered_json file;
    file["netc_schedule"] = 1;
    file["target"] = target.name;
    file["model"] = g.name;
    file["model_fingerprint"] = model_fingerprint(g);
    file["description"] = "Written by `netc tune`: fusion measured per boundary on this machine (see docs/fusion.md).";
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "netc_schedule") file[it.key()] = it.value();
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
    file["tuned"] = {{"device", cpu_model_name()}, {"device_fingerprint", this_device(threads).to_json()}, {"date", today()}, {"threads", threads},
                     {"runs", runs}, {"started_from", base.source},
                     {"seconds", int(seconds)}, {"boundaries", measured}, {"stages", stage_times}};
    std::error_code ec;
    if (std::filesystem::path(out).has_parent_path()) std::filesystem::create_directories(std::filesystem::path(out).parent_path(), ec);
    std::ofstream f(out);
    f << file.dump(2) << "\n";
    if (!f) fail(out, "", "-o", "cannot write the schedule file");
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
