#include "exec/onnxruntime_baseline.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "io/command.h"
#include "io/layout.h"
#include "io/npy.h"
#include "onnx/export_onnx.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

std::string tools_dir() { return netc_path("tools", NETC_TOOLS_DIR); }

}  // namespace

OrtBaseline run_onnxruntime(const Graph &g, const std::vector<float> &input, int threads, int runs, const std::string &work_dir) {
    namespace fs = std::filesystem;
    const std::string runner = tools_dir() + "/onnx/ort_run.js";
    if (!fs::exists(runner)) fail(runner, "", "", "missing: the ONNX Runtime runner (tools/onnx/ort_run.js)");
    if (!fs::exists(tools_dir() + "/onnx/node_modules/onnxruntime-node"))
        fail(tools_dir() + "/onnx", "", "", "onnxruntime-node is not installed there; run tools/install_deps.sh "
                                             "(or: cd tools/onnx && ONNXRUNTIME_NODE_INSTALL=skip npm ci)");
    fs::create_directories(work_dir);
    const std::string model = work_dir + "/" + g.name + ".onnx", x = work_dir + "/input.npy", out = work_dir + "/ort_out";
    export_onnx(g, model);
    const Shape s = g.input.shape;
    write_npy(x, NpyArray{{1, s.c, s.h, s.w}, hwc_to_chw<float>(input, s.c, s.h, s.w)});
    const std::string text = run_command("node " + shell_word(runner) + " " + shell_word(model) + " --input " + shell_word(x) + " --out-dir " + shell_word(out) +
                                     " --threads " + std::to_string(threads) + " --runs " + std::to_string(runs),
                                 "ONNX Runtime (node tools/onnx/ort_run.js)");
    OrtBaseline b;
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("median_ms=([0-9.eE+-]+) min_ms=([0-9.eE+-]+)")))
        fail(runner, "", "", "unexpected output:\n" + text);
    b.median_ms = std::stod(m[1]), b.min_ms = std::stod(m[2]);
    std::ifstream pkg(tools_dir() + "/onnx/node_modules/onnxruntime-node/package.json");
    const std::string manifest((std::istreambuf_iterator<char>(pkg)), std::istreambuf_iterator<char>());
    if (std::regex_search(manifest, m, std::regex("\"version\": *\"([^\"]+)\""))) b.version = m[1];
    for (int o : g.outputs) {
        const Layer &l = g.layers[size_t(o)];
        const NpyArray a = read_npy(out + "/" + l.name + ".npy");
        b.outputs.push_back(a.shape.size() == 4 ? chw_to_hwc<float>(a.data, l.out.c, l.out.h, l.out.w) : a.data);
    }
    return b;
}

}  // namespace netc
