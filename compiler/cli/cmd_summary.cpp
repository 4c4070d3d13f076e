#include <cstdio>

#include "analysis/summary.h"
#include "cli/args.h"
#include "spec/load_model.h"

namespace netc {

int cmd_summary(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc summary SPEC\n"
            "\n"
            "Prints each layer (composites expanded, nothing folded) with its output shape,\n"
            "trainable parameters (BatchNorm gamma/beta included) and multiply-accumulates, and the totals.\n"
            "Needs no weights file.");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const Graph g = load_model_structure(a.one_positional("spec file"), model_options(a));
    std::printf("model %s (%s)\n%s", g.name.c_str(), g.spec_file.c_str(), summary_table(g).c_str());
    return 0;
}

}  // namespace netc
