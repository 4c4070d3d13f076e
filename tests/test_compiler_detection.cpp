// The spec's "detection" section: parsing, the sizes resolve_detection fills in, and every
// mistake reported at its field. Expected counts are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <unistd.h>

#include <functional>
#include <string>

#include "io/npy.h"
#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "spec/parse_spec.h"

namespace netc {
namespace {

const char *kFile = "nets/det.json";

// 8x8x3 input; fm: 3x3 stride 2 → 4x4x8. Heads: 1x1 convs on fm, `box_filters` and
// `cls_filters` channels, flattened; outputs "boxes" and "scores".
std::string detector(const std::string &detection, int box_filters = 12, int cls_filters = 6) {
    return R"({"netc": 1, "name": "det", "input": {"shape": [8, 8, 3]}, "weights": {"init": "random", "seed": 1},
      "layers": [
        {"name": "fm", "op": "conv2d", "filters": 8, "kernel": 3, "stride": 2, "padding": "same"},
        {"name": "box", "op": "conv2d", "filters": )" +
           std::to_string(box_filters) + R"(, "kernel": 1},
        {"name": "boxes", "op": "reshape", "shape": [1, 1, -1]},
        {"name": "cls", "op": "conv2d", "filters": )" +
           std::to_string(cls_filters) + R"(, "kernel": 1, "input": "fm"},
        {"name": "scores", "op": "reshape", "shape": [1, -1, 2]}],
      "outputs": ["boxes", "scores"], "detection": )" +
           detection + "}";
}

// A Caffe section: one PriorBox on fm (min 2, ratio 2 with flip: 3 boxes per cell).
std::string caffe(const std::string &extra = "") {
    return R"({"family": "caffe", "boxes": "boxes", "scores": "scores",
               "priors": [{"feature_map": "fm", "min_size": 2, "aspect_ratios": [2]}])" +
           extra + "}";
}

Graph resolved(const std::string &text, const std::string &file = kFile) {
    return resolve_detection(infer_shapes(expand_composites(parse_spec_text(text, file))));
}

Diagnostic error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const CompileError &e) {
        return e.diag;
    }
    ADD_FAILURE() << "expected a CompileError";
    return {};
}

Diagnostic resolve_error(const std::string &text) {
    return error_of([&] { resolved(text); });
}

bool contains(const std::string &haystack, const std::string &needle) { return haystack.find(needle) != std::string::npos; }
#define EXPECT_CONTAINS(h, n) EXPECT_TRUE(contains((h), (n))) << "'" << (h) << "' does not contain '" << (n) << "'"

TEST(Detection, CaffeSectionIsResolvedFromShapes) {
    Graph g = resolved(detector(caffe()));
    const DetectionSpec &d = g.detection;
    ASSERT_TRUE(d.present);
    EXPECT_EQ(d.boxes_output, 0);
    EXPECT_EQ(d.scores_output, 1);
    const netc_detection_config c = d.runtime_config();
    EXPECT_EQ(c.priors, NETC_PRIORS_CAFFE);
    EXPECT_EQ(c.caffe_layers[0].feature_height, 4);  // fm is 4x4
    EXPECT_EQ(c.caffe_layers[0].feature_width, 4);
    EXPECT_EQ(c.image_height, 8);  // the input's, by default
    EXPECT_EQ(c.num_classes, 2);   // 96 scores / 48 priors
    EXPECT_EQ(netc_detect_num_priors(&c), 48);  // 4*4 cells x 3 boxes
    EXPECT_EQ(c.coding, NETC_CODING_CAFFE);
    EXPECT_FLOAT_EQ(c.variances[2], 0.2f);
    EXPECT_EQ(c.score_converter, NETC_SCORES_AS_IS);
    EXPECT_EQ(c.nms, NETC_NMS_PER_CLASS);
    EXPECT_EQ(c.top_k, 100);
    EXPECT_EQ(c.max_detections, 100);
}

TEST(Detection, TfGeneratorDefaultsAndScaleFactors) {
    // Generator on fm (4x4), one layer with reduce_boxes_in_lowest_layer: 3 boxes per cell = 48.
    Graph g = resolved(detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores",
        "anchors": {"feature_maps": ["fm"]}, "scale_factors": [10, 10, 5, 4]})"));
    const netc_detection_config c = g.detection.runtime_config();
    EXPECT_EQ(c.priors, NETC_PRIORS_TF_SSD);
    EXPECT_EQ(c.tf_anchors.feature_heights[0], 4);
    EXPECT_FLOAT_EQ(c.tf_anchors.min_scale, 0.2f);
    EXPECT_EQ(c.tf_anchors.num_aspect_ratios, 5);
    EXPECT_EQ(c.coding, NETC_CODING_TF);
    EXPECT_FLOAT_EQ(c.variances[0], 0.1f);
    EXPECT_FLOAT_EQ(c.variances[3], 0.25f);  // 1 / 4
    EXPECT_EQ(c.score_converter, NETC_SCORES_SIGMOID);
}

TEST(Detection, TfAnchorTableFromNpy) {
    const std::string dir = ::testing::TempDir() + "netc_det_" + std::to_string(getpid());
    ASSERT_EQ(system(("mkdir -p '" + dir + "'").c_str()), 0);
    NpyArray a;
    a.shape = {48, 4};
    for (int i = 0; i < 48; i++) a.data.insert(a.data.end(), {0.5f, 0.5f, 0.1f + 0.01f * float(i), 0.2f});
    write_npy(dir + "/anchors.npy", a);
    Graph g = resolved(detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores", "anchors": {"file": "anchors.npy"}})"),
                       dir + "/det.json");
    const netc_detection_config c = g.detection.runtime_config();
    EXPECT_EQ(c.priors, NETC_PRIORS_TABLE);
    EXPECT_EQ(netc_detect_num_priors(&c), 48);
    ASSERT_NE(c.anchor_table, nullptr);
    EXPECT_FLOAT_EQ(c.anchor_table[4 * 47 + 2], 0.57f);

    a.shape = {47, 4};  // one anchor short of the heads' 48
    a.data.resize(47 * 4);
    write_npy(dir + "/anchors.npy", a);
    Diagnostic d = error_of([&] {
        resolve_detection(infer_shapes(parse_spec_text(
            detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores", "anchors": {"file": "anchors.npy"}})"), dir + "/det.json")));
    });
    EXPECT_EQ(d.field, "detection.boxes");
    EXPECT_CONTAINS(d.message, "47 priors need 188 box encodings");
    d = error_of([&] {
        parse_spec_text(detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores", "anchors": {"file": "missing.npy"}})"),
                        dir + "/det.json");
    });
    EXPECT_EQ(d.field, "detection.anchors.file");
    EXPECT_CONTAINS(d.message, "missing.npy");
}

TEST(DetectionErrors, EachMistakeNamesItsField) {
    struct Case {
        std::string text, field, message;
    };
    const Case cases[] = {
        {detector(R"({"family": "yolo", "boxes": "boxes", "scores": "scores"})"), "detection.family", "expected \"caffe\""},
        {detector(caffe(R"(, "anchors": {})")), "detection.anchors", "unknown field"},
        {detector(R"({"family": "caffe", "boxes": "box", "scores": "scores", "priors": []})"), "detection.boxes",
         "'box' is not one of the spec's outputs"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "boxes", "priors": []})"), "detection.scores", "two different outputs"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "scores", "priors": []})"), "detection.priors", "PriorBox layers"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "scores", "priors": [{"feature_map": "fmm", "min_size": 2}]})"),
         "detection.priors[0].feature_map", "no layer or input is named 'fmm'"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "scores", "priors": [{"feature_map": "fm"}]})"),
         "detection.priors[0].min_size", "missing required field"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "scores", "priors": [{"feature_map": "fm", "min_size": 4, "max_size": 3}]})"),
         "detection.priors[0].max_size", "larger than min_size"},
        {detector(R"({"family": "caffe", "boxes": "boxes", "scores": "scores", "priors": [{"feature_map": "fm", "min_size": 2, "aspect_ratio": [2]}]})"),
         "detection.priors[0].aspect_ratio", "did you mean 'aspect_ratios'"},
        {detector(caffe(R"(, "iou_threshold": 1.5)")), "detection.iou_threshold", "[0, 1]"},
        {detector(caffe(R"(, "nms": "soft")")), "detection.nms", "\"per_class\" or \"class_agnostic\""},
        {detector(caffe(R"(, "score_converter": "tanh")")), "detection.score_converter", "\"sigmoid\""},
        {detector(caffe(R"(, "background_class": -2)")), "detection.background_class", "-1 for none"},
        {detector(caffe(R"(, "variances": [0.1, 0.1, 0.2])")), "detection.variances", "4 positive numbers"},
        {detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores", "anchors": {"feature_maps": ["fm"], "min_scale": 0.5, "max_scale": 0.2}})"),
         "detection.anchors.max_scale", "below min_scale"},
        {detector(R"({"family": "tf", "boxes": "boxes", "scores": "scores"})"), "detection.anchors", "missing required field"},
    };
    for (const Case &c : cases) {
        Diagnostic d = error_of([&] { parse_spec_text(c.text, kFile); });
        EXPECT_EQ(d.file, kFile);
        EXPECT_EQ(d.field, c.field) << d.message;
        EXPECT_CONTAINS(d.message, c.message);
    }
}

TEST(DetectionErrors, OutputsThatDoNotFitThePriors) {
    // 48 priors need 192 box encodings; 4x4x8 gives 128.
    Diagnostic d = resolve_error(detector(caffe(), 8, 6));
    EXPECT_EQ(d.layer, "boxes");
    EXPECT_EQ(d.field, "detection.boxes");
    EXPECT_CONTAINS(d.message, "has 128 values (1x1x128), but 48 priors need 192 box encodings");
    // 4x4x8 scores = 128 = 48 priors x 2.67 classes.
    d = resolve_error(detector(caffe(), 12, 8));
    EXPECT_EQ(d.field, "detection.scores");
    EXPECT_CONTAINS(d.message, "not a multiple of the 48 priors");
    d = resolve_error(detector(caffe(R"(, "num_classes": 3)")));
    EXPECT_CONTAINS(d.message, "48 priors x 3 classes need 144");
    d = resolve_error(detector(caffe(R"(, "background_class": 2)")));
    EXPECT_EQ(d.field, "detection.background_class");
    EXPECT_CONTAINS(d.message, "class 2 does not exist (2 classes)");
}

}  // namespace
}  // namespace netc
