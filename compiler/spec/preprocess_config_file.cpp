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
        in.mean = r.per_channel_values("normalize", json(mean), c), in.scale = r.per_channel_values("normalize", json(scale), c);
    } else if (r.has("mean") && r.has("scale")) {
        in.mean = r.per_channel("mean", c, 0.0f), in.scale = r.per_channel("scale", c, 1.0f);
    } else {
        r.error(r.has("mean") ? "scale" : r.has("scale") ? "mean" : "normalize", "missing: give \"normalize\", or \"mean\" and \"scale\"");
    }
    in.pixels_known = true;
    in.stretch = fit == "stretch", in.align_corners = resize == "align-corners", in.bgr = channels == "bgr";
    in.preprocess_file = path;
    return out;
}

}  // namespace netc
