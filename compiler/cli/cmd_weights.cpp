#include <cstdio>

#include "cli/args.h"
#include "spec/load_model.h"
#include "spec/weights.h"

namespace netc {

int cmd_weights(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "-o", "--output", "--seed"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc weights SPEC -o FILE.safetensors [--seed N]\n"
            "\n"
            "Writes the model's weights as a safetensors file (tensors \"<layer>.<role>\", float32,\n"
            "PyTorch order). With --seed, seeded random weights (BatchNorm statistics not 0/1);\n"
            "without, the weights the spec names. Point the spec's \"weights\": {\"file\": ...} at it.");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const std::string out = a.get("-o", a.get("--output", ""));
    if (out.empty()) throw UsageError("-o FILE.safetensors is required");
    const std::string spec = a.one_positional("spec file");
    Graph g = a.has("--seed") ? with_random_weights(load_model_structure(spec, model_options(a)), uint64_t(a.get_int("--seed", 0, 0, 2147483647)))
                              : load_model(spec, model_options(a));
    write_safetensors(g, out);
    std::printf("wrote %s\n", out.c_str());
    return 0;
}

}  // namespace netc
