#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/args.h"
#include "cli/model_inputs.h"
#include "exec/loaded_model.h"
#include "reference/reference.h"
#include "spec/load_model.h"

namespace netc {

int cmd_check(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--seed", "--tolerance", "--target", "--generated-dir"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc check SPEC [options]\n"
            "\n"
            "Runs the compiled model and the reference interpreter (plain loops over the unfused\n"
            "graph) on the same seeded input and prints, per output, the max absolute difference and\n"
            "the relative difference (max |compiled - reference| / max |reference|).\n"
            "Exits 1 if any relative difference exceeds the tolerance.\n"
            "\n"
            "options:\n"
            "  --seed N           input seed (default 1)\n"
            "  --tolerance X      relative tolerance (default 1e-4)\n"
            "  --target T         which compiled target (default host)\n"
            "  --generated-dir D  where netc compile wrote it (default generated)");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const double tol = a.get_double("--tolerance", 1e-4);
    const std::vector<float> input = seeded_input(g, uint64_t(a.get_int("--seed", 1, 0, 2147483647)));
    LoadedModel m(compiled_dir(a.get("--generated-dir", "generated"), g, a.get("--target", "host")), g.name);
    const auto got = m.run(input);
    const auto want = run_reference(g, input);
    bool ok = true;
    for (size_t o = 0; o < want.size(); o++) {
        double max_abs = 0, max_ref = 0;
        for (size_t i = 0; i < want[o].size(); i++) {
            max_abs = std::max(max_abs, double(std::fabs(got[o][i] - want[o][i])));
            max_ref = std::max(max_ref, double(std::fabs(want[o][i])));
            if (!std::isfinite(got[o][i])) max_abs = INFINITY;
        }
        const double rel = max_abs / std::max(max_ref, 1e-30);
        const bool pass = rel <= tol;
        ok &= pass;
        std::printf("%-20s max abs diff %.3g, relative %.3g (tolerance %.1g): %s\n", g.layers[size_t(g.outputs[o])].name.c_str(), max_abs,
                    rel, tol, pass ? "ok" : "FAIL");
    }
    return ok ? 0 : 1;
}

}  // namespace netc
