#include "cli/model_inputs.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "io/image.h"
#include "io/layout.h"
#include "io/npy.h"
#include "io/read_file.h"
#include "spec/preprocess_config_file.h"
#include "spec/diagnostic.h"
#include "spec/weights.h"

namespace netc {

namespace {

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Each item of `v` (items of shape s one after another) through `convert`.
std::vector<float> per_item(const std::vector<float> &v, const Shape &s,
                            const std::function<std::vector<float>(const std::vector<float> &)> &convert) {
    const size_t item = size_t(s.elements());
    if (item == 0 || v.size() <= item) return convert(v);
    std::vector<float> out;
    for (size_t b = 0; b + item <= v.size(); b += item) {
        const std::vector<float> one = convert(std::vector<float>(v.begin() + ptrdiff_t(b), v.begin() + ptrdiff_t(b + item)));
        out.insert(out.end(), one.begin(), one.end());
    }
    return out;
}

// The declared input's values (one item or a batch) in netc's HWC order.
std::vector<float> from_declared(const Graph &g, std::vector<float> v) {
    const Shape s = g.input.shape;
    if (!g.declared_input.nchw) return v;
    return per_item(v, s, [&](const std::vector<float> &x) { return chw_to_hwc<float>(x, s.c, s.h, s.w); });
}

// The input's shapes as netc holds it and as the model declares it, and the latter in words.
struct InputShapes {
    std::vector<int64_t> hwc, nhwc, declared;
    std::string want;
};

InputShapes input_shapes(const Graph &g) {
    const Shape s = g.input.shape;
    InputShapes r;
    r.hwc = {s.h, s.w, s.c}, r.nhwc = {1, s.h, s.w, s.c};
    r.declared = g.declared_input.shape.empty() ? r.hwc : g.declared_input.shape;
    r.want = shape_string(r.declared) + (g.declared_input.nchw ? " (NCHW float32, as the model declares it)" : " (float32)");
    return r;
}

}  // namespace

std::vector<float> photo_input(const Graph &g, const Image &img, const std::string &path, const Preprocess &image) {
    const Shape s = g.input.shape;
    if (s.c != 3) fail(path, g.input.name, "shape", "a photo has 3 channels; the model's input is " + input_shapes(g).want);
    // An ONNX or TF.js file has no place for its pixels' normalisation (preprocess_options takes
    // it from MODEL.preprocess.json when there is one), and guessing would be silently wrong.
    if (image.mean.empty() || image.scale.empty())
        fail(path, g.input.name, "mean", "the model says nothing of how its pixels are normalised: give --normalize imagenet "
                                         "(torchvision), --normalize signed (TensorFlow, [-1, 1]), --normalize unit ([0, 1]) or "
                                         "--mean/--scale, or write them in " + preprocess_config_path(g.spec_file) + " (docs/cli.md)");
    return preprocess(img, s.h, s.w, image);
}

std::vector<float> load_input(const Graph &g, const std::string &path, const Preprocess &image) {
    const Shape s = g.input.shape;
    const InputShapes shapes = input_shapes(g);
    const std::vector<int64_t> &hwc = shapes.hwc, &nhwc = shapes.nhwc, &declared = shapes.declared;
    const std::string &want = shapes.want;
    if (ends_with(path, ".npy")) {
        NpyArray a = read_npy(path);
        if (!g.declared_input.shape.empty() && a.shape == declared) return from_declared(g, std::move(a.data));
        if (a.shape != hwc && a.shape != nhwc)
            fail(path, g.input.name, "shape", "has shape " + shape_string(a.shape) + "; the model's input '" + g.input.name + "' is " + want +
                                                  (g.declared_input.nchw ? "; netc also takes it channels-last, " + shape_string(nhwc) : ""));
        return a.data;
    }
    if (looks_like_image(path)) return photo_input(g, read_image(path), path, image);
    const std::string b = read_file(path, "input");
    const int64_t batch = std::max(g.input.batch, 1);
    if (int64_t(b.size()) != s.elements() * 4 && int64_t(b.size()) != s.elements() * 4 * batch)
        fail(path, g.input.name, "", "a raw float32 input must have " + std::to_string(s.elements() * 4 * batch) + " bytes (" + want + "), it has " +
                                         std::to_string(b.size()));
    std::vector<float> out(b.size() / 4);
    std::memcpy(out.data(), b.data(), b.size());
    return from_declared(g, std::move(out));
}

NpyArray declared_output(const Graph &g, size_t o, const std::vector<float> &values) {
    const Shape s = g.layers[size_t(g.outputs[o])].out;
    const int64_t items = s.elements() > 0 ? int64_t(values.size()) / s.elements() : 1;
    if (o < g.declared_outputs.size() && !g.declared_outputs[o].shape.empty()) {
        const DeclaredTensor &d = g.declared_outputs[o];
        std::vector<int64_t> shape = d.shape;
        if (!shape.empty()) shape[0] = shape[0] / std::max<int64_t>(g.input.batch, 1) * items;  // the items computed
        if (!d.nchw) return {shape, values};
        return {shape, per_item(values, s, [&](const std::vector<float> &x) { return hwc_to_chw<float>(x, s.c, s.h, s.w); })};
    }
    NpyArray arr{{s.h, s.w, s.c}, values};
    if (s.h == 1 && s.w == 1) arr.shape = {s.c};
    if (items > 1) arr.shape.insert(arr.shape.begin(), items);
    return arr;
}

std::vector<float> seeded_input(const Graph &g, uint64_t seed) {
    std::vector<float> out(size_t(g.input.shape.elements()));
    uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (float &v : out) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
        v = float(state >> 40) / 8388608.0f - 1.0f;
    }
    return out;
}

}  // namespace netc

namespace netc {

const std::set<std::string> kPreprocessFlags = {"--fit", "--resize", "--normalize", "--mean", "--scale", "--channels"};

const char *const kPreprocessOptionsHelp =
    "\nA photo (JPEG, PNG or PPM) as --input is resized, cropped and normalised into the input, as the model\n"
    "states it (a spec's mean/scale; MODEL.preprocess.json beside an ONNX or TF.js model), or as these say:\n"
    "  --fit crop|stretch  crop (default): shorter side to size/0.875, then the center (torchvision's\n"
    "                      Resize(256) + CenterCrop(224)); stretch: the whole image to the input's size.\n"
    "                      An image of the input's size is taken as it is.\n"
    "  --resize R          pil (default): PIL's bilinear filter on 8-bit pixels (torchvision); align-corners:\n"
    "                      TF's resize_bilinear(align_corners=True) of the normalised pixels (TF.js models such\n"
    "                      as nsfwjs: --fit stretch --resize align-corners --normalize unit)\n"
    "  --normalize N       imagenet: (p/255 - [0.485,0.456,0.406]) / [0.229,0.224,0.225] (torchvision);\n"
    "                      signed: p/127.5 - 1 (TensorFlow); unit: p/255; none: p (0..255)\n"
    "  --mean M[,M,M] --scale S[,S,S]  (p - mean) * scale on 0..255 pixels, per channel\n"
    "                      (default: the model's: its spec's input mean/scale, or MODEL.preprocess.json's)\n"
    "  --channels rgb|bgr  channel order the network takes (default rgb)\n";

namespace {

std::vector<float> numbers(const Args &a, const std::string &flag) {
    const std::string error = flag + " expects 1 or 3 numbers separated by commas, got '" + a.get(flag, "") + "'";
    std::vector<float> out;
    for (const std::string &part : a.get_list(flag)) {
        char *end = nullptr;
        const float v = std::strtof(part.c_str(), &end);
        if (part.empty() || *end != '\0' || !std::isfinite(v)) throw UsageError(error);
        out.push_back(v);
    }
    if (out.size() != 1 && out.size() != 3) throw UsageError(error);
    return out;
}

}  // namespace

Preprocess preprocess_options(const Args &a, const InputInfo &model) {
    Preprocess p;
    // What the model states, then what the flags say instead.
    p.fit = model.stretch ? Preprocess::Fit::Stretch : Preprocess::Fit::Crop;
    p.resize = model.align_corners ? Preprocess::Resize::AlignCorners : Preprocess::Resize::Pil;
    p.bgr = model.bgr;
    if (model.pixels_known) p.mean = model.mean, p.scale = model.scale;
    if (a.has("--fit")) {
        const std::string fit = a.get("--fit", "");
        if (fit == "stretch") p.fit = Preprocess::Fit::Stretch;
        else if (fit == "crop") p.fit = Preprocess::Fit::Crop;
        else throw UsageError("--fit expects crop or stretch, got '" + fit + "'");
    }
    if (a.has("--resize")) {
        const std::string resize = a.get("--resize", "");
        if (resize == "align-corners") p.resize = Preprocess::Resize::AlignCorners;
        else if (resize == "pil") p.resize = Preprocess::Resize::Pil;
        else throw UsageError("--resize expects pil or align-corners, got '" + resize + "'");
    }
    if (p.resize == Preprocess::Resize::AlignCorners && p.fit != Preprocess::Fit::Stretch)
        throw UsageError("--resize align-corners resizes the whole image: give --fit stretch");
    if (a.has("--channels")) {
        const std::string channels = a.get("--channels", "");
        if (channels == "bgr" || channels == "rgb") p.bgr = channels == "bgr";
        else throw UsageError("--channels expects rgb or bgr, got '" + channels + "'");
    }
    if (a.has("--normalize")) {
        if (a.has("--mean") || a.has("--scale")) throw UsageError("give --normalize or --mean/--scale, not both");
        const std::string n = a.get("--normalize", "");
        if (!named_normalization(n, &p.mean, &p.scale)) throw UsageError("--normalize expects " + std::string(kNormalizationNames) + ", got '" + n + "'");
    }
    if (a.has("--mean") != a.has("--scale")) throw UsageError("--mean and --scale go together");
    if (a.has("--mean")) p.mean = numbers(a, "--mean"), p.scale = numbers(a, "--scale");
    return p;
}

}  // namespace netc
