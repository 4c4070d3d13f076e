#include <cstdio>

#include "cli/args.h"
#include "cli/compare_with_reference.h"
#include "cli/model_inputs.h"
#include "cli/target_options.h"
#include "exec/compiled_model.h"
#include "spec/load_model.h"

namespace netc {

int cmd_check(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--seed", "--tolerance", "--target", "--runner", "--emulator-cpu", "--generated-dir"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc check SPEC [options]\n"
            "\n"
            "Runs the compiled model and the reference interpreter (plain loops over the unfused\n"
            "graph) on the same seeded input and prints, per output, the max absolute difference and\n"
            "the relative difference (max |compiled - reference| / max |reference|). For a detector,\n"
            "it also decodes both and requires the same detections.\n"
            "Exits 1 if any relative difference exceeds the tolerance. Code for another kind of machine\n"
            "(--target arm-64-linux on x86) runs under qemu-user or through --runner; the reference\n"
            "runs here.\n"
            "Refuses (exit 1) a compiled directory that is incomplete or was compiled from another\n"
            "spec or weights, as run and bench do; recompile it with netc compile.\n"
            "\n"
            "options:\n"
            "  --seed N           input seed (default 1)\n"
            "  --tolerance X      relative tolerance (default 1e-4)\n"
            "  --generated-dir D  where netc compile wrote it (default generated)");
        std::fputs(kTargetOptionsHelp, stdout);
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const TargetInfo target = target_from_args(a);
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const double tol = a.get_double("--tolerance", 1e-4);
    const std::vector<float> input = seeded_input(g, uint64_t(a.get_int("--seed", 1, 0, 2147483647)));
    const auto m = open_compiled_model(a.get("--generated-dir", "generated"), g, target);
    if (target.executor.kind != Executor::Kind::InProcess) std::printf("running %s code %s\n", target.name.c_str(), target.executor.describe().c_str());
    return compare_with_reference(g, *m, input, tol) ? 0 : 1;
}

}  // namespace netc
