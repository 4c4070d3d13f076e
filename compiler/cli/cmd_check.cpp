#include <cstdio>

#include "cli/args.h"
#include "cli/compare_with_reference.h"
#include "cli/model_inputs.h"
#include "exec/loaded_model.h"
#include "spec/load_model.h"

namespace netc {

int cmd_check(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--seed", "--tolerance", "--target", "--generated-dir"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc check SPEC [options]\n"
            "\n"
            "Runs the compiled model and the reference interpreter (plain loops over the unfused\n"
            "graph) on the same seeded input and prints, per output, the max absolute difference and\n"
            "the relative difference (max |compiled - reference| / max |reference|). For a detector,\n"
            "it also decodes both and requires the same detections.\n"
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
    return compare_with_reference(g, m, input, tol) ? 0 : 1;
}

}  // namespace netc
