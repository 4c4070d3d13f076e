#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/model_inputs.h"
#include "cli/target_options.h"
#include "exec/compiled_model.h"
#include "exec/postprocess_detections.h"
#include "io/npy.h"
#include "reference/reference.h"
#include "spec/load_model.h"

namespace netc {

int cmd_run(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--input", "-o", "--output-dir", "--target", "--runner", "--emulator-cpu", "--generated-dir", "--threads"}, {"--reference"});
    if (a.help()) {
        std::puts(
            "usage: netc run SPEC --input FILE [options]\n"
            "\n"
            "Runs the compiled model (see netc compile) on one input and writes each output as\n"
            "<output-dir>/<name>.npy, printing a short summary. For a detector (a spec with a\n"
            "\"detection\" section) it also decodes the outputs and prints the detections.\n"
            "\n"
            "FILE: .npy (float32, [H,W,C] or [1,H,W,C], already normalised), .ppm (8-bit RGB of the\n"
            "input's size, normalised with the spec's mean/scale), or raw float32 HWC.\n"
            "\n"
            "options:\n"
            "  -o, --output-dir D   where to write outputs (default: .)\n"
            "  --reference          run the reference interpreter instead of the compiled code\n"
            "  --generated-dir D    where netc compile wrote it (default: generated)\n"
            "  --threads N          worker threads (default: one per CPU the code may use where it runs)");
        std::fputs(kTargetOptionsHelp, stdout);
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const std::string spec = a.one_positional("spec file");
    if (!a.has("--input")) throw UsageError("--input FILE is required");
    const std::string out_dir = a.get("-o", a.get("--output-dir", "."));
    const int threads = a.get_int("--threads", 0, 0, 1024);  // flags first: a usage error beats a slow load
    const TargetInfo target = target_from_args(a);
    const Graph g = load_model(spec, model_options(a));
    const std::vector<float> input = load_input(g, a.get("--input", ""));
    std::vector<std::vector<float>> outs;
    if (a.has("--reference")) {
        outs = run_reference(g, input);
    } else {
        const auto m = open_compiled_model(a.get("--generated-dir", "generated"), g, target);
        m->set_threads(threads);
        outs = m->run(input);
    }
    std::filesystem::create_directories(out_dir);
    for (size_t o = 0; o < outs.size(); o++) {
        const Layer &l = g.layers[size_t(g.outputs[o])];
        NpyArray arr{{l.out.h, l.out.w, l.out.c}, outs[o]};
        if (l.out.h == 1 && l.out.w == 1) arr.shape = {l.out.c};
        const std::string path = out_dir + "/" + identifier_safe(l.name) + ".npy";  // layer names may hold '/'

        write_npy(path, arr);
        const auto &v = outs[o];
        size_t best = size_t(std::max_element(v.begin(), v.end()) - v.begin());
        std::printf("%s: %s, min %.6g, max %.6g at %zu -> %s\n", l.name.c_str(), to_string(l.out).c_str(),
                    double(*std::min_element(v.begin(), v.end())), double(v[best]), best, path.c_str());
    }
    if (g.detection.present) {
        const DetectionSpec &d = g.detection;
        const auto found = postprocess_detections(d.runtime_config(), outs[size_t(d.boxes_output)], outs[size_t(d.scores_output)], spec);
        std::printf("%zu detection%s (score > %g, NMS IoU %g); boxes normalised to the image:\n", found.size(),
                    found.size() == 1 ? "" : "s", double(d.config.score_threshold), double(d.config.iou_threshold));
        for (const auto &x : found)
            std::printf("  class %3d  score %.4f  prior %5d  (ymin %.4f, xmin %.4f, ymax %.4f, xmax %.4f)\n", x.class_id, double(x.score),
                        x.prior, double(x.ymin), double(x.xmin), double(x.ymax), double(x.xmax));
    }
    return 0;
}

}  // namespace netc
