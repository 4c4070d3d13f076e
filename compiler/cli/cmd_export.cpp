#include <cstdio>

#include "cli/args.h"
#include "onnx/export_onnx.h"
#include "spec/load_model.h"

namespace netc {

int cmd_export(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "-o", "--output"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc export SPEC -o MODEL.onnx [options]\n"
            "\n"
            "Writes the network and its weights (the unfused graph: BatchNorm and activations as\n"
            "their own nodes) as an ONNX model, opset 13, so that another engine (ONNX Runtime)\n"
            "runs the very same network. Input [1, C, H, W]; outputs NCHW, or [1, C] after a\n"
            "dense layer, named after their layers.\n"
            "\n"
            "options:\n"
            "  -o, --output F      the .onnx file to write (required)");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const std::string spec = a.one_positional("spec file");
    const std::string out = a.get("-o", a.get("--output", ""));
    if (out.empty()) throw UsageError("-o MODEL.onnx is required");
    const Graph g = load_model(spec, model_options(a));
    const OnnxExport e = export_onnx(g, out);
    std::printf("exported %s to %s: ONNX opset 13, %d nodes, %d initializers\n", g.name.c_str(), out.c_str(), e.nodes, e.initializers);
    return 0;
}

}  // namespace netc
