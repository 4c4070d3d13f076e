#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "analysis/summary.h"
#include "cli/args.h"
#include "onnx/import_onnx.h"
#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"
#include "spec/weights.h"
#include "spec/write_spec.h"

namespace netc {

int cmd_import(int argc, char **argv) {
    Args a(argc, argv, 2, {"-o", "--output-dir", "--name", "--input-shape"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc import MODEL.onnx [options]\n"
            "\n"
            "Translates an ONNX model into a netc spec and its weights: <dir>/<name>.json and\n"
            "<dir>/<name>.safetensors, which netc compile (and every other command) takes.\n"
            "(netc compile MODEL.onnx imports and compiles in one step.) The spec's layers keep the\n"
            "ONNX node names; outputs take the ONNX output names. Tensors are channels-last: an NCHW\n"
            "output becomes HWC. Unsupported nodes are listed together (docs/onnx.md).\n"
            "\n"
            "options:\n"
            "  -o, --output-dir D       where to write (default: .)\n"
            "  --name N                 the model's name, a C identifier (default: from the file name)\n"
            "  --input-shape N,C,H,W    fixes dynamic input dimensions (a dynamic batch becomes 1 anyway)");
        return 0;
    }
    const std::string path = a.one_positional("ONNX file");
    if (!is_onnx_path(path)) throw UsageError("expected an .onnx file, got '" + path + "'");
    OnnxImportOptions io;
    io.name = a.get("--name", "");
    io.input_shape = model_options(a).input_shape;
    io.notice = [](const std::string &s) { std::fprintf(stderr, "notice: %s\n", s.c_str()); };
    const auto t0 = std::chrono::steady_clock::now();
    const OnnxImport im = import_onnx(path, io);
    const Graph g = infer_shapes(im.graph);  // a shape the importer got wrong must fail here, not in compile
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const std::string dir = a.get("-o", a.get("--output-dir", "."));
    std::filesystem::create_directories(dir);
    const std::string weights = g.name + ".safetensors", spec = dir + "/" + g.name + ".json";
    write_safetensors(g, dir + "/" + weights);
    std::ofstream f(spec);
    f << spec_json(g, weights, "Imported from " + std::filesystem::path(path).filename().string() + " (ONNX opset " + std::to_string(im.opset) + ") by netc import.");
    if (!f) fail(spec, "", "", "cannot write");
    int64_t params = 0;
    for (const auto &c : layer_costs(g)) params += c.params;
    std::printf("imported %s (opset %d) in %.2fs: %zu layers, %lld parameters\n  %s\n  %s\n", path.c_str(), im.opset, seconds,
                g.layers.size() - 1, (long long)params, spec.c_str(), (dir + "/" + weights).c_str());
    for (size_t o = 0; o < im.outputs.size(); o++) {
        const Shape s = g.layers[size_t(g.outputs[o])].out;
        std::printf("  output %s: ONNX shape [", im.outputs[o].name.c_str());
        for (size_t d = 0; d < im.outputs[o].onnx_shape.size(); d++) std::printf("%s%lld", d ? ", " : "", (long long)im.outputs[o].onnx_shape[d]);
        std::printf("] -> netc %s%s\n", to_string(s).c_str(), im.outputs[o].nchw ? " (NCHW transposed to HWC)" : "");
    }
    return 0;
}

}  // namespace netc
