#include "exec/onnxruntime_baseline.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "io/npy.h"
#include "onnx/export_onnx.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

std::string tools_dir() {
    const char *home = std::getenv("NETC_HOME");
    return home ? std::string(home) + "/tools" : std::string(NETC_TOOLS_DIR);
}

std::string quoted(const std::string &s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a command, returning what it printed (stdout and stderr); throws on failure.
std::string run(const std::string &cmd, const std::string &what) {
    std::string out;
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) fail("", "", "", "cannot start " + what);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    if (pclose(p) != 0) fail("", "", "", what + " failed:\n" + out + "(the command was: " + cmd + ")");
    return out;
}

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
    NpyArray nchw{{1, s.c, s.h, s.w}, std::vector<float>(input.size())};
    for (int y = 0; y < s.h; y++)
        for (int xx = 0; xx < s.w; xx++)
            for (int c = 0; c < s.c; c++) nchw.data[size_t((c * s.h + y) * s.w + xx)] = input[size_t((y * s.w + xx) * s.c + c)];
    write_npy(x, nchw);
    const std::string text = run("node " + quoted(runner) + " " + quoted(model) + " --input " + quoted(x) + " --out-dir " + quoted(out) +
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
        std::vector<float> hwc(a.data.size());
        if (a.shape.size() == 4) {  // NCHW → netc's HWC
            const Shape os = l.out;
            for (int c = 0; c < os.c; c++)
                for (int y = 0; y < os.h; y++)
                    for (int xx = 0; xx < os.w; xx++) hwc[size_t((y * os.w + xx) * os.c + c)] = a.data[size_t((c * os.h + y) * os.w + xx)];
        } else {
            hwc = a.data;
        }
        b.outputs.push_back(hwc);
    }
    return b;
}

}  // namespace netc
