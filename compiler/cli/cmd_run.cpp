#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/model_inputs.h"
#include "cli/target_options.h"
#include "exec/compiled_model.h"
#include "exec/postprocess_detections.h"
#include "codegen/output_files.h"
#include "io/image.h"
#include "io/npy.h"
#include "reference/reference.h"
#include "spec/weights.h"
#include "spec/load_model.h"

namespace netc {

int cmd_run(int argc, char **argv) {
    std::set<std::string> flags = {"--alpha", "--input-size", "--input-shape", "--input", "-o", "--output-dir", "--target", "--runner", "--emulator-cpu", "--generated-dir", "--threads"};
    flags.insert(kPreprocessFlags.begin(), kPreprocessFlags.end());
    Args a(argc, argv, 2, flags, {"--reference"});
    if (a.help()) {
        std::puts(
            "usage: netc run SPEC --input FILE [options]\n"
            "\n"
            "Runs the compiled model (see netc compile) on one input and writes each output as\n"
            "<output-dir>/<name>.npy, printing a short summary. For a detector (a spec with a\n"
            "\"detection\" section, or an ONNX model with MODEL.detection.json beside it) it also\n"
            "decodes the outputs, prints the detections and writes them to detections.json, and, for a\n"
            "photo, detections.png: the photo with the boxes drawn (a detector sees the whole photo:\n"
            "--fit stretch).\n"
            "\n"
            "FILE: .npy (float32, already normalised) in the shape the model declares: an ONNX model's\n"
            "own input ([1,3,224,224] NCHW, as ONNX Runtime takes it; [1,H,W,C] too), a spec's [H,W,C]\n"
            "or [1,H,W,C]; a photo (JPEG, PNG or PPM, see below); or raw float32 in the declared layout.\n"
            "Outputs are written as the model declares them (an ONNX model's output names, shapes and order).\n"
            "\n"
            "options:\n"
            "  -o, --output-dir D   where to write outputs (default: .)\n"
            "  --reference          run the reference interpreter instead of the compiled code\n"
            "  --generated-dir D    where netc compile wrote it (default: generated)\n"
            "  --threads N          worker threads (default: one per CPU the code may use where it runs)");
        std::fputs(kPreprocessOptionsHelp, stdout);
        std::fputs(kTargetOptionsHelp, stdout);
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const std::string spec = a.one_positional("spec file");
    if (!a.has("--input")) throw UsageError("--input FILE is required");
    const std::string out_dir = a.get("-o", a.get("--output-dir", "."));
    const int threads = a.get_int("--threads", 0, 0, 1024);  // flags first: a usage error beats a slow load
    preprocess_options(a);  // a usage error before a slow load
    const TargetInfo target = target_from_args(a);
    const Graph g = load_model(spec, model_options(a));
    Preprocess photo_options = preprocess_options(a, g.input);
    if (g.detection.present) {
        // Boxes come back as fractions of what the network saw: the whole photo, so that they
        // land on it (and on detections.png) where they belong.
        if (a.has("--fit") && photo_options.fit != Preprocess::Fit::Stretch)
            throw UsageError("a detector sees the whole photo: --fit stretch (its boxes are fractions of the image)");
        photo_options.fit = Preprocess::Fit::Stretch;
    }
    // A photo is decoded once: for the input, and for drawing a detector's boxes on it.
    const std::string input_path = a.get("--input", "");
    std::optional<Image> photo;
    if (looks_like_image(input_path)) photo = read_image(input_path);
    const std::vector<float> input = photo ? photo_input(g, *photo, input_path, photo_options) : load_input(g, input_path, photo_options);
    std::vector<std::vector<float>> outs;
    if (a.has("--reference")) {
        // The reference computes one item: a batch, item after item.
        const size_t item = size_t(g.input.shape.elements());
        for (size_t b = 0; b + item <= input.size(); b += item) {
            const auto one = run_reference(g, std::vector<float>(input.begin() + ptrdiff_t(b), input.begin() + ptrdiff_t(b + item)));
            outs.resize(one.size());
            for (size_t o = 0; o < one.size(); o++) outs[o].insert(outs[o].end(), one[o].begin(), one[o].end());
        }
    } else {
        const auto m = open_compiled_model(a.get("--generated-dir", "generated"), g, target);
        m->set_threads(threads);
        outs = m->run(input);
    }
    std::filesystem::create_directories(out_dir);
    for (size_t o = 0; o < outs.size(); o++) {
        const Layer &l = g.layers[size_t(g.outputs[o])];
        const NpyArray arr = declared_output(g, o, outs[o]);
        const std::string path = out_dir + "/" + identifier_safe(l.name) + ".npy";  // layer names may hold '/'
        write_npy(path, arr);
        // The index of the maximum in the array as written (declared order).
        const auto &v = arr.data;
        const size_t best = size_t(std::max_element(v.begin(), v.end()) - v.begin());
        std::printf("%s: %s, min %.6g, max %.6g at %zu -> %s\n", l.name.c_str(), shape_string(arr.shape).c_str(),
                    double(*std::min_element(v.begin(), v.end())), double(v[best]), best, path.c_str());
    }
    if (g.detection.present) {
        const DetectionSpec &d = g.detection;
        const auto found = postprocess_detections(d.runtime_config(), outs[size_t(d.boxes_output)], outs[size_t(d.scores_output)], spec);
        std::printf("%zu detection%s (score > %g, NMS IoU %g); boxes normalised to the image:\n", found.size(),
                    found.size() == 1 ? "" : "s", double(d.config.score_threshold), double(d.config.iou_threshold));
        nlohmann::ordered_json boxes = nlohmann::ordered_json::array();
        for (const auto &x : found) {
            std::printf("  class %3d  score %.4f  prior %5d  (ymin %.4f, xmin %.4f, ymax %.4f, xmax %.4f)\n", x.class_id, double(x.score),
                        x.prior, double(x.ymin), double(x.xmin), double(x.ymax), double(x.xmax));
            boxes.push_back({{"class", x.class_id}, {"score", x.score}, {"prior", x.prior},
                             {"box", {{"ymin", x.ymin}, {"xmin", x.xmin}, {"ymax", x.ymax}, {"xmax", x.xmax}}}});
        }
        const std::string json_path = out_dir + "/detections.json";
        write_file_atomically(json_path, nlohmann::ordered_json({{"model", g.name}, {"input", input_path},
                                                                 {"boxes_are", "fractions of the image: (ymin, xmin, ymax, xmax)"},
                                                                 {"detections", boxes}})
                                             .dump(2) + "\n");
        std::printf("-> %s\n", json_path.c_str());
        // On a photo, the boxes drawn on it (the whole original image: boxes are fractions).
        if (photo) {
            const int thickness = std::max(2, std::min(photo->width, photo->height) / 150);
            for (const auto &x : found) {
                // A colour per class, bright enough to see on any photo.
                const uint8_t rgb[3] = {uint8_t(64 + (x.class_id * 97) % 192), uint8_t(64 + (x.class_id * 57) % 192), uint8_t(64 + (x.class_id * 151) % 192)};
                draw_box(*photo, x.ymin, x.xmin, x.ymax, x.xmax, rgb, thickness);
            }
            const std::string png = out_dir + "/detections.png";
            write_png(png, *photo);
            std::printf("-> %s (the photo with the boxes drawn)\n", png.c_str());
        }
    }
    return 0;
}

}  // namespace netc
