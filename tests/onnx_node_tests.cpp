// ONNX's own node tests (Debian's libonnx-testdata, data/node/test_*) through netc's importer,
// for every test whose operators are all among those netc claims to import (docs/onnx.md).
//
// A test's first input is the activation; its other inputs (weights, shapes, pads) are bound
// as constants, since netc compiles networks with constant weights. The imported graph runs
// twice, through the JIT-compiled lowering and through the reference interpreter, and both
// must match the test's expected outputs. A test netc cannot express must be rejected by the
// importer with a message: giving different numbers is never acceptable.
//
//   onnx_node_tests DATA_DIR --check EXPECTED   exit 1 unless every outcome is as listed
//   onnx_node_tests DATA_DIR --list             print "name outcome reason" lines (to update EXPECTED)
//   onnx_node_tests DATA_DIR --markdown         the table for docs/onnx.md
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "exec/run_jit.h"
#include "io/layout.h"
#include "lower/memory_plan.h"
#include "onnx/import_onnx.h"
#include "onnx/onnx_file.h"
#include "passes/passes.h"
#include "reference/reference.h"
#include "target/target.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"

namespace fs = std::filesystem;
using namespace netc;

namespace {

// The operators netc imports (docs/onnx.md). A node test is in scope when all its nodes are.
const std::set<std::string> kClaimed = {
    "Conv",    "BatchNormalization", "Relu",    "Clip",    "HardSigmoid", "HardSwish", "Sigmoid", "Mul",      "Add",
    "GlobalAveragePool", "AveragePool", "MaxPool", "Gemm", "MatMul",  "Flatten",   "Reshape", "Transpose", "Concat",
    "Softmax", "Pad",                "Constant", "Identity", "Squeeze", "Unsqueeze", "Shape",   "ReduceMean", "Dropout",
    "LeakyRelu", "PRelu", "Sub", "Div", "Resize", "Upsample", "ConvTranspose"};

struct Outcome {
    std::string status;  // pass, rejected, FAIL
    std::string reason;
};

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    const size_t p = s.find("):   ");  // "N problems (ONNX opset K):   node ..." → the first problem
    if (p != std::string::npos) s = s.substr(p + 5);
    const size_t colon = s.find("node '");
    if (colon != std::string::npos) {  // drop the node name: outcomes should read the same across tests
        const size_t close = s.find("): ", colon);
        if (close != std::string::npos) s = s.substr(close + 3);
    }
    return s.substr(0, 160);
}

// netc's output in the ONNX output's element order.
std::vector<double> to_onnx_order(const std::vector<float> &v, const OnnxOutput &o) {
    if (!o.nchw) return std::vector<double>(v.begin(), v.end());
    return hwc_to_chw<double>(v, o.onnx_shape[1], o.onnx_shape[2], o.onnx_shape[3]);
}

// "" if equal within tolerance, else what differs.
std::string compare(const std::vector<double> &got, const ConstTensor &want, const std::string &what) {
    if (int64_t(got.size()) != want.elements())
        return what + ": " + std::to_string(got.size()) + " values, expected " + std::to_string(want.elements());
    double max_abs = 0, max_ref = 0;
    for (size_t i = 0; i < got.size(); i++) {
        const double d = std::fabs(got[i] - want.values[i]);
        max_abs = std::isnan(d) ? INFINITY : std::max(max_abs, d);
        max_ref = std::max(max_ref, std::fabs(want.values[i]));
    }
    if (max_abs <= 1e-4 * std::max(max_ref, 1.0) || max_abs <= 1e-6) return "";
    return what + ": max abs diff " + std::to_string(max_abs) + " (max |expected| " + std::to_string(max_ref) + ")";
}

Outcome run_test(const fs::path &dir, const TargetInfo &target) {
    const std::string model_path = (dir / "model.onnx").string();
    const onnx::ModelProto model = read_onnx_model(model_path);
    std::set<std::string> initializers;
    for (const auto &t : model.graph().initializer()) initializers.insert(t.name());
    std::vector<std::string> inputs;
    for (const auto &i : model.graph().input())
        if (!initializers.count(i.name())) inputs.push_back(i.name());
    const fs::path data = dir / "test_data_set_0";
    OnnxImportOptions options;
    ConstTensor first;
    std::string why;
    for (size_t k = 0; k < inputs.size(); k++) {
        ConstTensor t;
        const fs::path pb = data / ("input_" + std::to_string(k) + ".pb");
        if (!fs::exists(pb)) continue;  // an optional input left out
        if (!read_tensor(read_onnx_tensor(pb.string()), &t, &why)) return {"rejected", "input " + std::to_string(k) + ": " + why};
        if (k == 0) first = t;
        else options.constants[inputs[k]] = t;
    }
    try {
        const OnnxImport im = import_onnx(model_path, options);
        const Graph g = infer_shapes(im.graph);
        const Graph opt = optimize(g);
        const StagePlan stages = plan_stages(opt, target, ScheduleParams{});
        const MemoryPlan plan = plan_memory(opt, stages);
        // A batch (the input's first dimension, g.input.batch) is imported per item: each item
        // runs on its own and the outputs are its items one after another, as the runtime does.
        const int batch = g.input.batch;
        const size_t item = first.values.size() / size_t(batch);
        std::vector<std::vector<double>> got_jit(im.outputs.size()), got_ref(im.outputs.size());
        for (int b = 0; b < batch; b++) {
            const std::vector<double> one(first.values.begin() + ptrdiff_t(b * item), first.values.begin() + ptrdiff_t((b + 1) * item));
            const std::vector<float> input = im.input_nchw ? chw_to_hwc<float>(one, first.dims[1], first.dims[2], first.dims[3])
                                                           : std::vector<float>(one.begin(), one.end());
            const JitRun jit = run_jit(opt, stages, plan, input, target);
            if (!jit.written_halos.empty()) return {"FAIL", "a stage wrote the zero halo of " + jit.written_halos[0]};
            const auto ref = run_reference(g, input);
            for (size_t o = 0; o < im.outputs.size(); o++) {
                const auto j = to_onnx_order(jit.outputs[o], im.outputs[o]), r = to_onnx_order(ref[o], im.outputs[o]);
                got_jit[o].insert(got_jit[o].end(), j.begin(), j.end());
                got_ref[o].insert(got_ref[o].end(), r.begin(), r.end());
            }
        }
        for (size_t o = 0; o < im.outputs.size(); o++) {
            ConstTensor want;
            if (!read_tensor(read_onnx_tensor((data / ("output_" + std::to_string(o) + ".pb")).string()), &want, &why))
                return {"rejected", "expected output: " + why};
            for (const auto &[name, values] : {std::make_pair("compiled", got_jit[o]), std::make_pair("reference", got_ref[o])}) {
                const std::string diff = compare(values, want, std::string(name) + " output " + im.outputs[o].name);
                if (!diff.empty()) return {"FAIL", diff};
            }
        }
        return {"pass", ""};
    } catch (const CompileError &e) {
        return {"rejected", one_line(e.diag.message)};
    } catch (const std::exception &e) {
        return {"FAIL", std::string("exception: ") + e.what()};
    }
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: onnx_node_tests DATA_DIR (--check EXPECTED | --list | --markdown)\n");
        return 2;
    }
    const fs::path root = argv[1];
    const std::string mode = argv[2];
    const TargetInfo target = resolve_target("host");
    std::vector<fs::path> dirs;
    for (const auto &e : fs::directory_iterator(root))
        if (e.is_directory() && e.path().filename().string().rfind("test_", 0) == 0) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());

    std::map<std::string, Outcome> outcomes;
    std::map<std::string, std::string> ops_of;
    for (const auto &d : dirs) {
        onnx::ModelProto m;
        try {
            m = read_onnx_model((d / "model.onnx").string());
        } catch (const CompileError &) {
            continue;
        }
        std::set<std::string> ops;
        for (const auto &n : m.graph().node()) ops.insert(n.op_type());
        const bool in_scope = !ops.empty() && std::all_of(ops.begin(), ops.end(), [](const std::string &o) { return kClaimed.count(o) > 0; });
        if (!in_scope) continue;
        const std::string name = d.filename().string();
        outcomes[name] = run_test(d, target);
        std::string list;
        for (const auto &o : ops) list += (list.empty() ? "" : "+") + o;
        ops_of[name] = list;
    }

    int passed = 0, rejected = 0, failed = 0;
    for (const auto &[name, o] : outcomes) (o.status == "pass" ? passed : o.status == "rejected" ? rejected : failed)++;
    if (mode == "--list") {
        for (const auto &[name, o] : outcomes) std::printf("%s %s%s%s\n", name.c_str(), o.status.c_str(), o.reason.empty() ? "" : " ", o.reason.c_str());
    } else if (mode == "--markdown") {
        std::printf("| node test | ops | outcome |\n|---|---|---|\n");
        for (const auto &[name, o] : outcomes)
            std::printf("| %s | %s | %s%s%s |\n", name.c_str(), ops_of[name].c_str(), o.status.c_str(), o.reason.empty() ? "" : ": ", o.reason.c_str());
    } else if (mode == "--check" && argc > 3) {
        std::ifstream f(argv[3]);
        if (!f) {
            std::fprintf(stderr, "cannot open %s\n", argv[3]);
            return 2;
        }
        std::map<std::string, std::string> expected;
        std::string line;
        while (std::getline(f, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream is(line);
            std::string name, status;
            is >> name >> status;
            expected[name] = status;
        }
        int mismatches = 0;
        for (const auto &[name, o] : outcomes) {
            auto it = expected.find(name);
            const std::string want = it == expected.end() ? "(not listed)" : it->second;
            if (o.status != want) {
                std::printf("MISMATCH %s: %s%s%s, expected %s\n", name.c_str(), o.status.c_str(), o.reason.empty() ? "" : " - ", o.reason.c_str(), want.c_str());
                mismatches++;
            }
        }
        for (const auto &[name, status] : expected)
            if (!outcomes.count(name)) std::printf("MISMATCH %s: listed as %s but not found in scope\n", name.c_str(), status.c_str()), mismatches++;
        std::printf("%d node tests in scope: %d pass, %d rejected with a message, %d FAIL; %d differ from %s\n", int(outcomes.size()), passed,
                    rejected, failed, mismatches, argv[3]);
        return mismatches || failed ? 1 : 0;
    } else {
        std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
        return 2;
    }
    std::fprintf(stderr, "%d node tests in scope: %d pass, %d rejected, %d FAIL\n", int(outcomes.size()), passed, rejected, failed);
    return 0;
}
