#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <unistd.h>

#include "analysis/compiled_stages.h"
#include "analysis/difference.h"
#include "analysis/sample_stats.h"
#include "analysis/fma_peak.h"
#include "analysis/summary.h"
#include "cli/args.h"
#include "cli/compare_with_reference.h"
#include "cli/model_inputs.h"
#include "cli/target_options.h"
#include "exec/compiled_model.h"
#include "exec/onnxruntime_baseline.h"
#include "netc_threads.h"
#include "spec/load_model.h"

namespace netc {

namespace {

constexpr int kMinRuns = 30;  // fewer make medians on a shared machine unreliable

// The stages, slowest first: time, share, MACs and throughput (of this machine's FMA peak).
void print_stages(const Graph &opt, const std::string &metadata_file, const std::vector<std::string> &names, const std::vector<double> &ms,
                  double peak_gflops, size_t show, const char *mark) {
    std::map<std::string, int64_t> macs;
    std::map<std::string, std::string> ops;
    for (const CompiledStage &st : compiled_stages(opt, metadata_file)) macs[st.name] = st.macs, ops[st.name] = st.ops;
    double total = 0;
    for (double m : ms) total += m;
    std::vector<size_t> order(ms.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ms[a] > ms[b]; });
    std::printf("\n%sstages, slowest first (mean of the timed runs; %zu of %zu shown):\n", mark, std::min(show, ms.size()), ms.size());
    std::printf("  %-34s %-30s %9s %6s %10s %9s %7s\n", "stage", "op (fused: in order)", "ms", "share", "MACs", "GFLOP/s", "% peak");
    for (size_t k = 0; k < order.size() && k < show; k++) {
        const size_t i = order[k];
        const std::string &n = names[i];
        const double gflops = macs[n] ? 2.0 * double(macs[n]) / (ms[i] * 1e6) : 0;
        char share_of_peak[16] = "      -";  // no peak measured where the code ran
        if (peak_gflops > 0) std::snprintf(share_of_peak, sizeof share_of_peak, "%6.0f%%", 100.0 * gflops / peak_gflops);
        std::printf("  %-34.34s %-30.30s %9.3f %5.1f%% %10.1fM %9.1f %s\n", n.c_str(), ops[n].c_str(), ms[i], 100.0 * ms[i] / total,
                    double(macs[n]) / 1e6, gflops, share_of_peak);
    }
}

}  // namespace

int cmd_bench(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--runs", "--warmup", "--threads", "--target", "--runner", "--emulator-cpu", "--generated-dir", "--vs", "--stages"},
           {"--all-stages"});
    if (a.help()) {
        std::puts(
            "usage: netc bench SPEC [options]\n"
            "\n"
            "Times the compiled model (see netc compile). First it checks the model against the\n"
            "reference interpreter on a seeded input (a wrong model is not worth timing: exit 1).\n"
            "Then warm-up runs, then timed runs of netc_run: median, min, p10 and p90 latency,\n"
            "throughput (2 x MACs / median) as GFLOP/s and as a share of this machine's measured\n"
            "FMA peak at the same thread count, and the time of each stage.\n"
            "\n"
            "options:\n"
            "  --threads N        worker threads (default: one per CPU this process may use)\n"
            "  --runs N           timed runs (default 50, at least 30)\n"
            "  --warmup N         untimed runs first (default 3)\n"
            "  --stages N         how many of the slowest stages to list (default 10; --all-stages: all)\n"
            "  --vs onnxruntime   also export the model (netc export) and time ONNX Runtime on it in the\n"
            "                     same run, same input and thread count; check both agree; print the ratio\n"
            "                     (this machine's code only)\n"
            "  --generated-dir D  where netc compile wrote it (default generated)\n"
            "\n"
            "Code for another kind of machine runs through the target's executor. Under qemu-user the\n"
            "results are checked but the times are the emulator's, not the device's: they are printed\n"
            "marked EMULATED and mean nothing about speed (see netc estimate for static figures). With\n"
            "--runner the times are the device's; the FMA peak is measured only on this machine.");
        std::fputs(kTargetOptionsHelp, stdout);
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const int runs = a.get_int("--runs", 50, kMinRuns, 1000000);
    const int warmup = a.get_int("--warmup", 3, 0, 1000);
    const int threads_flag = a.get_int("--threads", 0, 0, 1024);
    const size_t show = a.has("--all-stages") ? SIZE_MAX : size_t(a.get_int("--stages", 10, 0, 100000));
    const std::string vs = a.get("--vs", "");
    if (!vs.empty() && vs != "onnxruntime") throw UsageError("--vs takes 'onnxruntime', got '" + vs + "'");
    const TargetInfo target = target_from_args(a);
    const bool here = target.executor.kind == Executor::Kind::InProcess;
    if (!vs.empty() && !here)
        throw UsageError("--vs onnxruntime compares on this machine; " + target.name + " code runs " + target.executor.describe() +
                         " (run ONNX Runtime on the device to compare there)");
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const std::string generated = a.get("--generated-dir", "generated");
    const std::string dir = compiled_dir(generated, g, target);
    const auto model = open_compiled_model(generated, g, target);
    CompiledModel &m = *model;
    // On a device the runner's program picks its own default (the device's CPUs).
    const int threads = threads_flag ? threads_flag : here ? netc_usable_cpus() : 0;
    m.set_threads(threads);
    const std::vector<float> input = seeded_input(g, 1);
    if (target.executor.emulated())
        std::printf("EMULATED: %s code runs %s here. The results are checked exactly; the times below are\n"
                    "the emulator's and say nothing about a device's speed (netc estimate gives static figures).\n",
                    target.name.c_str(), target.executor.describe().c_str());
    if (!compare_with_reference(g, m, input, 1e-4)) {
        std::fprintf(stderr, "error: %s does not match the reference interpreter; not timing it\n", g.name.c_str());
        return 1;
    }
    int64_t macs = 0;
    for (const auto &c : layer_costs(g)) macs += c.macs;
    // The FMA peak is measured only where the code runs in this process.
    FmaPeak peak;
    if (here) peak = measure_fma_peak(threads, target);

    std::vector<double> ms = m.time_runs(input, warmup, runs);
    if (int(ms.size()) != runs) throw std::runtime_error(dir + ": the timed runs did not all report (" + std::to_string(ms.size()) + " of " + std::to_string(runs) + ")");
    // Measured again after the runs, the higher kept: another process busy on a core during
    // one measurement made it half the machine's, and every share of it twice the truth.
    if (here) peak.gflops = std::max(peak.gflops, measure_fma_peak(threads, target).gflops);
    std::sort(ms.begin(), ms.end());
    const double median = quantile(ms, 0.5), gflops = 2.0 * double(macs) / (median * 1e6);
    const char *mark = target.executor.emulated() ? "EMULATED " : "";
    const std::string thread_text = threads ? std::to_string(threads) + (threads == 1 ? " thread" : " threads") : "the device's default threads";
    std::printf("\n%s%s on %s (%s), %s: %d runs after %d warm-up\n", mark, g.name.c_str(), m.halide_target().c_str(),
                target.executor.describe().c_str(), thread_text.c_str(), runs, warmup);
    std::printf("%slatency: median %.3f ms, min %.3f ms, p10 %.3f ms, p90 %.3f ms\n", mark, median, ms.front(), quantile(ms, 0.1),
                quantile(ms, 0.9));
    if (here)
        std::printf("throughput: %.1f GFLOP/s (%.1fM MACs per inference), %.0f%% of the measured %s FMA peak (%.1f GFLOP/s on %d thread%s)\n",
                    gflops, double(macs) / 1e6, 100.0 * gflops / peak.gflops, peak.isa.c_str(), peak.gflops, threads, threads == 1 ? "" : "s");
    else
        std::printf("%sthroughput: %.1f GFLOP/s (%.1fM MACs per inference)%s\n", mark, gflops, double(macs) / 1e6,
                    target.executor.emulated() ? " under emulation: not a device figure" : "");

    if (!vs.empty()) {
        const std::string work = (std::filesystem::temp_directory_path() / ("netc_bench_" + g.name + "_" + std::to_string(::getpid()))).string();
        const OrtBaseline ort = run_onnxruntime(g, input, threads, runs, work);
        std::filesystem::remove_all(work);
        double worst = 0;
        const auto ours = m.run(input);
        for (size_t o = 0; o < ort.outputs.size(); o++) worst = std::max(worst, difference(ours[o], ort.outputs[o]).relative);
        std::printf("onnxruntime %s (same network, weights, input, %d thread%s): median %.3f ms, min %.3f ms; outputs agree to %.2g relative%s\n",
                    ort.version.c_str(), threads, threads == 1 ? "" : "s", ort.median_ms, ort.min_ms, worst, worst <= 1e-4 ? "" : " (MISMATCH)");
        std::printf("ratio netc / onnxruntime (median): %.2f (%s)\n", median / ort.median_ms, median <= ort.median_ms ? "netc faster" : "onnxruntime faster");
        if (worst > 1e-4) return 1;
    }
    if (show > 0)
        print_stages(optimize(g), dir + "/" + g.name + ".json", m.stage_names(), m.stage_times(input, std::max(10, runs / 3)), peak.gflops, show, mark);
    return 0;
}

}  // namespace netc
