#include "spec/preprocess_config_file.h"

#include <cmath>
#include <filesystem>

#include "io/preprocess.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "spec/field_reader.h"
#include "spec/parse_json.h"

namespace netc {

std::string preprocess_config_path(const std::string &model_path) {
    std::filesystem::path p(model_path);
    return (p.parent_path() / (p.stem().string() + ".preprocess.json")).string();
}

namespace {

// 1 or 3 numbers, as the per-channel mean and scale of a C-channel input.
std::vector<float> per_channel(const FieldReader &r, const json &v, const std::string &field, int channels) {
    std::vector<float> out;
    if (v.is_number()) out.push_back(v.get<float>());
    else if (v.is_array())
        for (const json &x : v) {
            if (!x.is_number()) r.error(field, "expected numbers, got " + v.dump());
            out.push_back(x.get<float>());
        }
    if (out.size() != 1 && out.size() != size_t(channels)) r.error(field, "expected 1 or " + std::to_string(channels) + " numbers, got " + v.dump());
    for (float x : out)
        if (!std::isfinite(x)) r.error(field, "expected finite numbers, got " + v.dump());
    out.resize(size_t(channels), out[0]);
    return out;
}

}  // namespace

Graph attach_preprocess_config(const Graph &g) {
    const std::string path = preprocess_config_path(g.spec_file);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return g;
    const json j = parse_json(read_file(path, "preprocess config"), path);
    if (!j.is_object()) fail(path, "", "", "expected an object such as {\"fit\": \"stretch\", \"normalize\": \"unit\"}");
    FieldReader r(j, path, "", "");
    r.reject_unknown({"fit", "resize", "normalize", "mean", "scale", "channels", "description"});
    Graph out = g;
    InputInfo &in = out.input;
    const std::string fit = r.string("fit", "crop"), resize = r.string("resize", "pil"), channels = r.string("channels", "rgb");
    if (fit != "crop" && fit != "stretch") r.error("fit", "expected \"crop\" or \"stretch\", got \"" + fit + "\"");
    if (resize != "pil" && resize != "align-corners") r.error("resize", "expected \"pil\" or \"align-corners\", got \"" + resize + "\"");
    if (resize == "align-corners" && fit != "stretch") r.error("resize", "align-corners resizes the whole image: give \"fit\": \"stretch\"");
    if (channels != "rgb" && channels != "bgr") r.error("channels", "expected \"rgb\" or \"bgr\", got \"" + channels + "\"");
    const int c = in.shape.c;
    if (r.has("normalize")) {
        if (r.has("mean") || r.has("scale")) r.error("normalize", "give \"normalize\" or \"mean\" and \"scale\", not both");
        const std::string n = r.string("normalize", "");
        std::vector<float> mean, scale;
        if (!named_normalization(n, &mean, &scale)) r.error("normalize", "expected " + std::string(kNormalizationNames) + ", got \"" + n + "\"");
        in.mean = per_channel(r, json(mean), "normalize", c), in.scale = per_channel(r, json(scale), "normalize", c);
    } else if (r.has("mean") && r.has("scale")) {
        in.mean = per_channel(r, r.at("mean"), "mean", c), in.scale = per_channel(r, r.at("scale"), "scale", c);
    } else {
        r.error(r.has("mean") ? "scale" : r.has("scale") ? "mean" : "normalize", "missing: give \"normalize\", or \"mean\" and \"scale\"");
    }
    in.pixels_known = true;
    in.stretch = fit == "stretch", in.align_corners = resize == "align-corners", in.bgr = channels == "bgr";
    in.preprocess_file = path;
    return out;
}

}  // namespace netc
