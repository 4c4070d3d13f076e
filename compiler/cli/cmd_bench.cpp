#include <algorithm>
#include <cstdio>

#include "analysis/summary.h"
#include "cli/args.h"
#include "cli/compare_with_reference.h"
#include "cli/model_inputs.h"
#include "exec/loaded_model.h"
#include "spec/load_model.h"

namespace netc {

namespace {

constexpr int kMinRuns = 30;  // fewer make medians on a shared machine unreliable

double percentile(const std::vector<double> &sorted, double p) {
    const size_t i = size_t(p * double(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int cmd_bench(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--runs", "--warmup", "--threads", "--target", "--generated-dir"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc bench SPEC [options]\n"
            "\n"
            "Times the compiled model (see netc compile). First it checks the model against the\n"
            "reference interpreter on a seeded input (a wrong model is not worth timing: exit 1).\n"
            "Then warm-up runs, then timed runs of netc_run, and prints the median, min, p10 and\n"
            "p90 latency and the throughput (2 x MACs / median).\n"
            "\n"
            "options:\n"
            "  --threads N        worker threads (default: one per core)\n"
            "  --runs N           timed runs (default 50, at least 30)\n"
            "  --warmup N         untimed runs first (default 3)\n"
            "  --target T         which compiled target (default host)\n"
            "  --generated-dir D  where netc compile wrote it (default generated)");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const int runs = a.get_int("--runs", 50, kMinRuns, 1000000);
    const int warmup = a.get_int("--warmup", 3, 0, 1000);
    const int threads = a.get_int("--threads", 0, 0, 1024);
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const std::string target = a.get("--target", "host");
    LoadedModel m(compiled_dir(a.get("--generated-dir", "generated"), g, target), g.name);
    m.set_threads(threads);
    const std::vector<float> input = seeded_input(g, 1);
    if (!compare_with_reference(g, m, input, 1e-4)) {
        std::fprintf(stderr, "error: %s does not match the reference interpreter; not timing it\n", g.name.c_str());
        return 1;
    }
    int64_t macs = 0;
    for (const auto &c : layer_costs(g)) macs += c.macs;

    m.time_runs(input, warmup);
    std::vector<double> ms = m.time_runs(input, runs);
    std::sort(ms.begin(), ms.end());
    const double median = percentile(ms, 0.5);
    std::printf("%s on %s, %s: %d runs after %d warm-up\n", g.name.c_str(), m.target().c_str(),
                threads ? (std::to_string(threads) + (threads == 1 ? " thread" : " threads")).c_str() : "all cores", runs, warmup);
    std::printf("latency: median %.3f ms, min %.3f ms, p10 %.3f ms, p90 %.3f ms\n", median, ms.front(), percentile(ms, 0.1),
                percentile(ms, 0.9));
    std::printf("throughput: %.1f GFLOP/s (%.1fM MACs per inference)\n", 2.0 * double(macs) / (median * 1e6), double(macs) / 1e6);
    return 0;
}

}  // namespace netc
