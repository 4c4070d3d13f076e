#include "spec/parse_detection.h"

#include <cmath>

#include "io/npy.h"

namespace netc {

namespace {

const char *kPath = "detection";

// A layer name → its index; for the feature maps of priors and anchors.
int layer_named(const FieldReader &r, const Graph &g, const std::string &field, const json &v) {
    if (!v.is_string()) r.error(field, "expected a layer name, got " + v.dump());
    const int idx = g.find(v.get<std::string>());
    if (idx < 0) r.error(field, "no layer or input is named '" + v.get<std::string>() + "'");
    return idx;
}

// An output's name → its position in the spec's "outputs".
int output_named(const FieldReader &r, const Graph &g, const std::string &field) {
    const std::string name = r.string(field, "", true);
    for (size_t k = 0; k < g.outputs.size(); k++)
        if (g.layers[size_t(g.outputs[k])].name == name) return int(k);
    r.error(field, "'" + name + "' is not one of the spec's outputs (the runtime decodes what the model outputs)");
}

void aspect_ratios(const FieldReader &r, const std::string &field, std::vector<float> dflt, int32_t *count, float *out) {
    const std::vector<float> ars = r.positive_numbers(field, 0, std::move(dflt));
    if (ars.size() > NETC_DETECT_MAX_ASPECT_RATIOS)
        r.error(field, "at most " + std::to_string(NETC_DETECT_MAX_ASPECT_RATIOS) + " aspect ratios");
    *count = int32_t(ars.size());
    for (size_t i = 0; i < ars.size(); i++) out[i] = ars[i];
}

void parse_caffe_priors(const FieldReader &r, const Graph &g, DetectionSpec &d) {
    netc_detection_config &c = d.config;
    c.priors = NETC_PRIORS_CAFFE;
    const json &layers = r.require("priors");
    if (!layers.is_array() || layers.empty() || layers.size() > NETC_DETECT_MAX_LAYERS)
        r.error("priors", "expected an array of 1 to " + std::to_string(NETC_DETECT_MAX_LAYERS) + " PriorBox layers, got " + layers.dump());
    for (size_t i = 0; i < layers.size(); i++) {
        const std::string path = std::string(kPath) + ".priors[" + std::to_string(i) + "]";
        if (!layers[i].is_object()) fail(g.spec_file, "", path, "expected an object, got " + layers[i].dump());
        FieldReader p(layers[i], g.spec_file, "", path);
        p.reject_unknown({"feature_map", "min_size", "max_size", "aspect_ratios", "flip", "step", "offset"});
        netc_caffe_prior_layer &l = c.caffe_layers[i];
        d.feature_layers.push_back(layer_named(p, g, "feature_map", p.require("feature_map")));
        d.feature_fields.push_back(path + ".feature_map");
        l.min_size = p.positive_number("min_size", 0);
        if (!p.has("min_size")) p.error("min_size", "missing required field");
        l.max_size = p.positive_number("max_size", 0);
        if (p.has("max_size") && l.max_size <= l.min_size) p.error("max_size", "must be larger than min_size");
        aspect_ratios(p, "aspect_ratios", {}, &l.num_aspect_ratios, l.aspect_ratios);
        l.flip = p.boolean("flip", true);
        if (p.has("step")) {
            const json &s = p.at("step");
            const std::vector<float> steps = s.is_array() ? p.positive_numbers("step", 2, {}) : std::vector<float>(2, p.positive_number("step", 0));
            l.step_h = steps[0], l.step_w = steps[1];
        }
        l.offset = p.number("offset", 0.5f);
        if (!(l.offset >= 0 && l.offset <= 1)) p.error("offset", "expected a number in [0, 1]");
    }
    c.num_caffe_layers = int32_t(layers.size());
    if (r.has("image_size")) {
        int h, w;
        r.pair("image_size", &h, &w, 0);
        c.image_height = h, c.image_width = w;
        d.image_size_given = true;
    }
    c.clip_priors = r.boolean("clip_priors", false);
}

void parse_tf_anchors(const FieldReader &r, const Graph &g, DetectionSpec &d) {
    netc_detection_config &c = d.config;
    const json &a = r.require("anchors");
    const std::string path = std::string(kPath) + ".anchors";
    if (!a.is_object()) r.error("anchors", "expected {\"feature_maps\": [...], ...} (the SSD anchor generator) or {\"file\": \"anchors.npy\"}");
    FieldReader p(a, g.spec_file, "", path);
    if (p.has("file")) {
        p.reject_unknown({"file"});
        c.priors = NETC_PRIORS_TABLE;
        std::string file = p.string("file", "");
        if (file.empty()) p.error("file", "empty path");
        const size_t slash = g.spec_file.find_last_of('/');
        if (file[0] != '/' && slash != std::string::npos) file = g.spec_file.substr(0, slash + 1) + file;
        d.anchor_file = file;
        NpyArray arr;
        try {
            arr = read_npy(file);
        } catch (const CompileError &e) {
            p.error("file", e.diag.file + ": " + e.diag.message);
        }
        if (arr.shape.size() != 2 || arr.shape[1] != 4 || arr.shape[0] < 1)
            p.error("file", file + ": expected a float32 array of shape [anchors, 4] (ycenter, xcenter, height, width)");
        d.anchor_table = arr.data;
        c.num_table_anchors = arr.shape[0];
        return;
    }
    c.priors = NETC_PRIORS_TF_SSD;
    p.reject_unknown({"feature_maps", "min_scale", "max_scale", "aspect_ratios", "interpolated_scale_aspect_ratio",
                      "reduce_boxes_in_lowest_layer", "base_anchor_size"});
    netc_tf_anchor_generator &t = c.tf_anchors;
    const json &maps = p.require("feature_maps");
    if (!maps.is_array() || maps.empty() || maps.size() > NETC_DETECT_MAX_LAYERS)
        p.error("feature_maps", "expected an array of 1 to " + std::to_string(NETC_DETECT_MAX_LAYERS) + " layer names");
    for (size_t i = 0; i < maps.size(); i++) {
        const std::string field = "feature_maps[" + std::to_string(i) + "]";
        d.feature_layers.push_back(layer_named(p, g, field, maps[i]));
        d.feature_fields.push_back(path + "." + field);
    }
    t.num_layers = int32_t(maps.size());
    t.min_scale = p.positive_number("min_scale", 0.2f);
    t.max_scale = p.positive_number("max_scale", 0.95f);
    if (t.max_scale < t.min_scale) p.error("max_scale", "must not be below min_scale");
    aspect_ratios(p, "aspect_ratios", {1.0f, 2.0f, 0.5f, 3.0f, 1.0f / 3.0f}, &t.num_aspect_ratios, t.aspect_ratios);
    t.interpolated_scale_aspect_ratio = p.number("interpolated_scale_aspect_ratio", 1.0f);
    if (!(t.interpolated_scale_aspect_ratio >= 0)) p.error("interpolated_scale_aspect_ratio", "expected 0 (none) or a positive number");
    t.reduce_boxes_in_lowest_layer = p.boolean("reduce_boxes_in_lowest_layer", true);
    const std::vector<float> base = p.positive_numbers("base_anchor_size", 2, {1.0f, 1.0f});
    t.base_anchor_height = base[0], t.base_anchor_width = base[1];
}

}  // namespace

DetectionSpec parse_detection(const json &section, const Graph &g) {
    DetectionSpec d;
    if (!section.is_object()) fail(g.spec_file, "", kPath, "expected an object (see docs/spec.md#detection)");
    FieldReader r(section, g.spec_file, "", kPath);
    d.present = true;
    d.family = r.string("family", "", true);
    const bool caffe = d.family == "caffe";
    if (!caffe && d.family != "tf") r.error("family", "expected \"caffe\" (PriorBox + DetectionOutput) or \"tf\" (TF Object Detection API), got \"" + d.family + "\"");
    std::set<std::string> allowed = {"family", "boxes", "scores", "num_classes", "background_class", "score_converter", "nms",
                                     "score_threshold", "iou_threshold", "top_k", "max_detections", "clip_boxes"};
    if (caffe) allowed.insert({"priors", "image_size", "clip_priors", "variances"});
    else allowed.insert({"anchors", "scale_factors"});
    r.reject_unknown(allowed);

    d.boxes_output = output_named(r, g, "boxes");
    d.scores_output = output_named(r, g, "scores");
    if (d.boxes_output == d.scores_output) r.error("scores", "boxes and scores must be two different outputs");

    netc_detection_config &c = d.config;
    if (caffe) {
        parse_caffe_priors(r, g, d);
        c.coding = NETC_CODING_CAFFE;
        const std::vector<float> v = r.positive_numbers("variances", 4, {0.1f, 0.1f, 0.2f, 0.2f});
        for (int k = 0; k < 4; k++) c.variances[k] = v[size_t(k)];
    } else {
        parse_tf_anchors(r, g, d);
        c.coding = NETC_CODING_TF;
        const std::vector<float> s = r.positive_numbers("scale_factors", 4, {10.0f, 10.0f, 5.0f, 5.0f});
        for (int k = 0; k < 4; k++) c.variances[k] = 1.0f / s[size_t(k)];
    }
    if (r.has("num_classes")) {
        c.num_classes = r.positive_int("num_classes", 0);
        d.num_classes_given = true;
    }
    c.background_class = 0;
    if (r.has("background_class")) {
        const json &b = r.at("background_class");
        if (!b.is_number_integer() || b.get<long long>() < -1 || b.get<long long>() > (1 << 24))
            r.error("background_class", "expected a class index, or -1 for none, got " + b.dump());
        c.background_class = int32_t(b.get<long long>());
    }
    const std::string conv = r.string("score_converter", caffe ? "none" : "sigmoid");
    if (conv == "none") c.score_converter = NETC_SCORES_AS_IS;
    else if (conv == "sigmoid") c.score_converter = NETC_SCORES_SIGMOID;
    else if (conv == "softmax") c.score_converter = NETC_SCORES_SOFTMAX;
    else r.error("score_converter", "expected \"none\" (already probabilities), \"sigmoid\" or \"softmax\", got \"" + conv + "\"");
    const std::string nms = r.string("nms", "per_class");
    if (nms == "per_class") c.nms = NETC_NMS_PER_CLASS;
    else if (nms == "class_agnostic") c.nms = NETC_NMS_CLASS_AGNOSTIC;
    else r.error("nms", "expected \"per_class\" or \"class_agnostic\", got \"" + nms + "\"");
    c.score_threshold = r.number("score_threshold", 0.01f);
    if (!std::isfinite(c.score_threshold)) r.error("score_threshold", "expected a finite number");
    c.iou_threshold = r.number("iou_threshold", 0.45f);
    if (!(c.iou_threshold >= 0 && c.iou_threshold <= 1)) r.error("iou_threshold", "expected a number in [0, 1]");
    c.top_k = r.has("top_k") ? r.positive_int("top_k", 0) : 100;
    c.max_detections = r.positive_int("max_detections", 100);
    c.clip_boxes = r.boolean("clip_boxes", false);
    return d;
}

}  // namespace netc
