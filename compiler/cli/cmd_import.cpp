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
#include "spec/preprocess_config_file.h"
#include "spec/weights.h"
#include "spec/write_spec.h"
#include "tfjs/import_tfjs.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

namespace {

// Writes <dir>/<name>.json and .safetensors for a graph an importer made; returns the spec's path.
std::string write_imported(const Graph &g, const Args &a, const std::string &description) {
    const std::string dir = a.get("-o", a.get("--output-dir", "."));
    std::filesystem::create_directories(dir);
    const std::string weights = g.name + ".safetensors", spec = dir + "/" + g.name + ".json";
    write_safetensors(g, dir + "/" + weights);
    std::ofstream f(spec);
    f << spec_json(g, weights, description);
    if (!f) fail(spec, "", "", "cannot write");
    return spec;
}

int64_t parameters(const Graph &g) {
    int64_t params = 0;
    for (const auto &c : layer_costs(g)) params += c.params;
    return params;
}

int import_tfjs_model(const std::string &path, const Args &a) {
    if (a.has("--input-shape")) throw UsageError("--input-shape applies to ONNX files; a TF.js model fixes its input's shape");
    TfjsImportOptions options;
    options.name = a.get("--name", "");
    const auto t0 = std::chrono::steady_clock::now();
    const Graph g = infer_shapes(attach_preprocess_config(import_tfjs(path, options)));  // its mean/scale into the spec
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string kind = model_format_name(g.format);
    const std::string spec = write_imported(g, a, "Imported from " + path + " (" + kind + ") by netc import.");
    std::printf("imported %s (%s) in %.2fs: %zu layers, %lld parameters\n  %s\n  %s\n", path.c_str(), kind.c_str(), seconds, g.layers.size() - 1,
                (long long)parameters(g), spec.c_str(), (spec.substr(0, spec.size() - 5) + ".safetensors").c_str());
    for (int o : g.outputs) std::printf("  output %s: %s\n", g.layers[size_t(o)].name.c_str(), to_string(g.layers[size_t(o)].out).c_str());
    return 0;
}

}  // namespace

int cmd_import(int argc, char **argv) {
    Args a(argc, argv, 2, {"-o", "--output-dir", "--name", "--input-shape"}, {});
    if (a.help()) {
        std::puts(
            "usage: netc import MODEL.onnx|model.json [options]\n"
            "\n"
            "Translates an ONNX model, or a TF.js layers model (model.json and its weight shards,\n"
            "told from a netc spec by its content), into a netc spec and its weights:\n"
            "<dir>/<name>.json and <dir>/<name>.safetensors, which netc compile (and every other\n"
            "command) takes. (netc compile MODEL imports and compiles in one step.) The spec's layers\n"
            "keep the ONNX node or Keras layer names; outputs take the model's output names. Tensors\n"
            "are channels-last: an NCHW output becomes HWC. Unsupported nodes or layers are listed\n"
            "together (docs/onnx.md, docs/tfjs.md).\n"
            "\n"
            "options:\n"
            "  -o, --output-dir D       where to write (default: .)\n"
            "  --name N                 the model's name, a C identifier (default: from the file name)\n"
            "  --input-shape N,C,H,W    fixes dynamic input dimensions (a dynamic batch becomes 1 anyway)");
        return 0;
    }
    const std::string path = a.one_positional("model file");
    if (is_tfjs_model_file(path)) return import_tfjs_model(path, a);
    if (!is_onnx_path(path)) throw UsageError("expected an .onnx file or a TF.js model.json, got '" + path + "'");
    OnnxImportOptions io;
    io.name = a.get("--name", "");
    io.input_shape = model_options(a).input_shape;
    io.notice = [](const std::string &s) { std::fprintf(stderr, "notice: %s\n", s.c_str()); };
    const auto t0 = std::chrono::steady_clock::now();
    const OnnxImport im = import_onnx(path, io);
    const Graph g = infer_shapes(im.graph);  // a shape the importer got wrong must fail here, not in compile
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const std::string spec = write_imported(g, a, "Imported from " + std::filesystem::path(path).filename().string() + " (ONNX opset " +
                                                         std::to_string(im.opset) + ") by netc import.");
    std::printf("imported %s (opset %d) in %.2fs: %zu layers, %lld parameters\n  %s\n  %s\n", path.c_str(), im.opset, seconds,
                g.layers.size() - 1, (long long)parameters(g), spec.c_str(), (spec.substr(0, spec.size() - 5) + ".safetensors").c_str());
    for (size_t o = 0; o < im.outputs.size(); o++) {
        const Shape s = g.layers[size_t(g.outputs[o])].out;
        std::printf("  output %s: ONNX shape [", im.outputs[o].name.c_str());
        for (size_t d = 0; d < im.outputs[o].onnx_shape.size(); d++) std::printf("%s%lld", d ? ", " : "", (long long)im.outputs[o].onnx_shape[d]);
        std::printf("] -> netc %s%s\n", to_string(s).c_str(), im.outputs[o].nchw ? " (NCHW transposed to HWC)" : "");
    }
    return 0;
}

}  // namespace netc
