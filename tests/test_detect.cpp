// Detection post-processing (runtime/netc_detect.h) against hand-computed cases. Every
// expected value is a literal worked out by hand; the comment next to it shows the sum.
#include "netc_detect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr float kTol = 1e-6f;

struct Prior {
    float cy, cx, h, w;
};

// A config with the prior section set to a table, Caffe coding with the usual variances,
// AS_IS scores, per-class NMS; each test changes what it needs.
netc_detection_config base_config(const std::vector<float> &table, int32_t num_classes) {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_TABLE;
    c.num_table_anchors = static_cast<int64_t>(table.size() / 4);
    c.anchor_table = table.data();
    c.coding = NETC_CODING_CAFFE;
    c.variances[0] = 0.1f;
    c.variances[1] = 0.1f;
    c.variances[2] = 0.2f;
    c.variances[3] = 0.2f;
    c.num_classes = num_classes;
    c.background_class = 0;
    c.score_converter = NETC_SCORES_AS_IS;
    c.nms = NETC_NMS_PER_CLASS;
    c.score_threshold = 0.5f;
    c.iou_threshold = 0.5f;
    c.top_k = 0;
    c.max_detections = 100;
    c.clip_boxes = 0;
    return c;
}

// Runs netc_detect_postprocess with a scratch buffer of exactly netc_detect_scratch_bytes()
// bytes from malloc (so ASan flags any overrun) and checks the inputs are left untouched.
std::vector<netc_detection> run(const netc_detection_config &c, const std::vector<float> &priors,
                                const std::vector<float> &boxes, const std::vector<float> &scores,
                                int32_t max_out = -2) {
    const int64_t n = static_cast<int64_t>(priors.size() / 4);
    EXPECT_EQ(boxes.size(), priors.size());
    EXPECT_EQ(scores.size(), static_cast<size_t>(n * c.num_classes));
    const int64_t bytes = netc_detect_scratch_bytes(&c, n);
    EXPECT_GT(bytes, 0);
    if (bytes <= 0) return {};
    void *scratch = std::malloc(static_cast<size_t>(bytes));
    if (max_out == -2) max_out = c.max_detections;
    std::vector<netc_detection> out(static_cast<size_t>(max_out) + 1);
    const std::vector<float> priors0 = priors, boxes0 = boxes, scores0 = scores;
    const int32_t count = netc_detect_postprocess(&c, priors.data(), n, boxes.data(),
                                                  scores.data(), scratch, out.data(), max_out);
    std::free(scratch);
    EXPECT_GE(count, 0);
    EXPECT_LE(count, max_out);
    // Bytewise, so that NaN inputs compare equal to themselves.
    auto same = [](const std::vector<float> &a, const std::vector<float> &b) {
        return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
    };
    EXPECT_TRUE(same(priors, priors0));
    EXPECT_TRUE(same(boxes, boxes0));
    EXPECT_TRUE(same(scores, scores0));
    out.resize(count < 0 ? 0 : static_cast<size_t>(count));
    return out;
}

std::vector<float> zeros(size_t n) { return std::vector<float>(n, 0.0f); }

void expect_prior(const std::vector<float> &p, int64_t i, Prior e, float tol = kTol) {
    SCOPED_TRACE("prior " + std::to_string(i));
    EXPECT_NEAR(p[4 * i + 0], e.cy, tol);
    EXPECT_NEAR(p[4 * i + 1], e.cx, tol);
    EXPECT_NEAR(p[4 * i + 2], e.h, tol);
    EXPECT_NEAR(p[4 * i + 3], e.w, tol);
}

void expect_det(const netc_detection &d, float score, int32_t cls, int32_t prior) {
    EXPECT_FLOAT_EQ(d.score, score);
    EXPECT_EQ(d.class_id, cls);
    EXPECT_EQ(d.prior, prior);
}

void expect_box(const netc_detection &d, float ymin, float xmin, float ymax, float xmax,
                float tol = kTol) {
    EXPECT_NEAR(d.ymin, ymin, tol);
    EXPECT_NEAR(d.xmin, xmin, tol);
    EXPECT_NEAR(d.ymax, ymax, tol);
    EXPECT_NEAR(d.xmax, xmax, tol);
}

std::vector<float> make_priors(const netc_detection_config &c) {
    const int64_t n = netc_detect_num_priors(&c);
    EXPECT_GT(n, 0);
    if (n <= 0) return {};
    std::vector<float> p(static_cast<size_t>(4 * n), -99.0f);
    EXPECT_EQ(netc_detect_make_priors(&c, p.data(), n), 0);
    return p;
}

// ---- Caffe PriorBox ----------------------------------------------------------------------

// Image 100x100, a 2x2 map, min 30, max 120, aspect ratio 2 with flip, offset 0.5.
netc_detection_config caffe_2x2() {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_CAFFE;
    c.image_height = 100;
    c.image_width = 100;
    c.num_caffe_layers = 1;
    netc_caffe_prior_layer &l = c.caffe_layers[0];
    l.feature_height = 2;
    l.feature_width = 2;
    l.min_size = 30.0f;
    l.max_size = 120.0f;
    l.num_aspect_ratios = 1;
    l.aspect_ratios[0] = 2.0f;
    l.flip = 1;
    l.step_h = 0.0f;
    l.step_w = 0.0f;
    l.offset = 0.5f;
    return c;
}

TEST(DetectCaffePriors, Grid2x2DefaultStepNoClip) {
    netc_detection_config c = caffe_2x2();
    // Ratios {1, 2, 1/2}: per cell min box, max box, ar 2, ar 1/2 = 4; 2*2 cells = 16.
    ASSERT_EQ(netc_detect_num_priors(&c), 16);
    std::vector<float> p = make_priors(c);
    // Step 100/2 = 50 px; cell (0,0) centred at (0.5*50, 0.5*50) = (25, 25) px = 0.25.
    // min box 30 px -> 0.30. max box sqrt(30*120) = sqrt(3600) = 60 px -> 0.60 (corners
    // 25-30 = -5 and 25+30 = 55 px: partly outside, kept as is without clip).
    // ar 2: w = 30*sqrt(2) = 42.426407 px -> 0.42426407, h = 30/sqrt(2) = 21.213203 px -> 0.21213203.
    // ar 1/2: w and h swapped.
    expect_prior(p, 0, {0.25f, 0.25f, 0.30f, 0.30f});
    expect_prior(p, 1, {0.25f, 0.25f, 0.60f, 0.60f});
    expect_prior(p, 2, {0.25f, 0.25f, 0.21213203f, 0.42426407f});
    expect_prior(p, 3, {0.25f, 0.25f, 0.42426407f, 0.21213203f});
    // Cells go row by row: cell (h=0, w=1) is centred at x = 1.5*50 = 75 px, y = 25 px.
    expect_prior(p, 4, {0.25f, 0.75f, 0.30f, 0.30f});
    expect_prior(p, 7, {0.25f, 0.75f, 0.42426407f, 0.21213203f});
    // Cell (h=1, w=0): y = 75 px, x = 25 px.
    expect_prior(p, 8, {0.75f, 0.25f, 0.30f, 0.30f});
    // Cell (1,1) max box: corners 75 +- 30 = 45..105 px, unclipped: centre 0.75, size 0.60.
    expect_prior(p, 13, {0.75f, 0.75f, 0.60f, 0.60f});
    expect_prior(p, 14, {0.75f, 0.75f, 0.21213203f, 0.42426407f});
}

TEST(DetectCaffePriors, Grid2x2Clipped) {
    netc_detection_config c = caffe_2x2();
    c.clip_priors = 1;
    std::vector<float> p = make_priors(c);
    ASSERT_EQ(p.size(), 64u);
    // Cell (0,0) max box corners -0.05..0.55 clip to 0..0.55: centre 0.275, size 0.55.
    expect_prior(p, 1, {0.275f, 0.275f, 0.55f, 0.55f});
    // Cell (0,1) max box: y 0..0.55 as above; x 0.45..1.05 clips to 0.45..1: centre 0.725, 0.55.
    expect_prior(p, 5, {0.275f, 0.725f, 0.55f, 0.55f});
    // Cell (1,1) max box: 0.45..1 both ways.
    expect_prior(p, 13, {0.725f, 0.725f, 0.55f, 0.55f});
    // Boxes already inside the image are unchanged: min box of cell (0,0), corners 0.10..0.40.
    expect_prior(p, 0, {0.25f, 0.25f, 0.30f, 0.30f});
    // ar 2 of cell (0,0): x 25 +- 21.213203 = 3.79..46.21 px, inside.
    expect_prior(p, 2, {0.25f, 0.25f, 0.21213203f, 0.42426407f});
}

TEST(DetectCaffePriors, ExplicitStepAndOffset) {
    netc_detection_config c = caffe_2x2();
    c.caffe_layers[0].step_h = 40.0f;
    c.caffe_layers[0].step_w = 40.0f;
    std::vector<float> p = make_priors(c);
    ASSERT_EQ(p.size(), 64u);
    // Centres (0.5*40, 1.5*40) = 20, 60 px -> 0.2, 0.6.
    expect_prior(p, 0, {0.2f, 0.2f, 0.30f, 0.30f});
    expect_prior(p, 4, {0.2f, 0.6f, 0.30f, 0.30f});
    expect_prior(p, 13, {0.6f, 0.6f, 0.60f, 0.60f});

    // Offset 0: centres at 0 and 40 px.
    c.caffe_layers[0].offset = 0.0f;
    p = make_priors(c);
    expect_prior(p, 0, {0.0f, 0.0f, 0.30f, 0.30f});
    expect_prior(p, 12, {0.4f, 0.4f, 0.30f, 0.30f});
}

TEST(DetectCaffePriors, NonSquareImageDefaultStep) {
    netc_detection_config c = caffe_2x2();
    c.image_height = 100;
    c.image_width = 200;
    std::vector<float> p = make_priors(c);
    ASSERT_EQ(p.size(), 64u);
    // step_h = 100/2 = 50, step_w = 200/2 = 100. Cell (0,1): y = 25 px -> 0.25,
    // x = 1.5*100 = 150 px -> 0.75. Min box 30 px: h = 30/100 = 0.30, w = 30/200 = 0.15.
    expect_prior(p, 4, {0.25f, 0.75f, 0.30f, 0.15f});
    // ar 2: w = 42.426407/200 = 0.21213203, h = 21.213203/100 = 0.21213203.
    expect_prior(p, 6, {0.25f, 0.75f, 0.21213203f, 0.21213203f});
}

TEST(DetectCaffePriors, AspectRatioListDuplicatesAndFlip) {
    netc_detection_config c = caffe_2x2();
    netc_caffe_prior_layer &l = c.caffe_layers[0];
    // {2, 0.5, 1} with flip: start {1}; 2 -> add 2 and 0.5; 0.5 duplicate; 1 duplicate.
    // Boxes per cell: min + max + 2 = 4.
    l.num_aspect_ratios = 3;
    l.aspect_ratios[0] = 2.0f;
    l.aspect_ratios[1] = 0.5f;
    l.aspect_ratios[2] = 1.0f;
    EXPECT_EQ(netc_detect_num_priors(&c), 16);
    // No flip: {1, 2, 0.5}: 4 per cell, but now 0.5 is its own entry (same count).
    l.flip = 0;
    EXPECT_EQ(netc_detect_num_priors(&c), 16);
    // No flip, only {2}: min + max + 1 = 3 per cell -> 12.
    l.num_aspect_ratios = 1;
    EXPECT_EQ(netc_detect_num_priors(&c), 12);
    std::vector<float> p = make_priors(c);
    expect_prior(p, 2, {0.25f, 0.25f, 0.21213203f, 0.42426407f});
    expect_prior(p, 3, {0.25f, 0.75f, 0.30f, 0.30f}); // next cell starts at 3
    // 2 and 2.0000005 (within 1e-6 of 2) with flip, no max size: {1, 2, 0.5} -> min box
    // + 2 ratio boxes = 3 per cell, 12 priors.
    l.flip = 1;
    l.max_size = 0.0f;
    l.num_aspect_ratios = 2;
    l.aspect_ratios[1] = 2.0000005f;
    EXPECT_EQ(netc_detect_num_priors(&c), 12);
}

// The Caffe MobileNet-SSD VOC PriorBox layers (docs/detection.md).
netc_detection_config mobilenet_ssd_voc() {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_CAFFE;
    c.image_height = 300;
    c.image_width = 300;
    c.num_caffe_layers = 6;
    const int32_t fm[6] = {19, 10, 5, 3, 2, 1};
    const float mins[6] = {60, 105, 150, 195, 240, 285};
    const float maxs[6] = {0, 150, 195, 240, 285, 300};
    for (int i = 0; i < 6; i++) {
        netc_caffe_prior_layer &l = c.caffe_layers[i];
        l.feature_height = l.feature_width = fm[i];
        l.min_size = mins[i];
        l.max_size = maxs[i];
        l.num_aspect_ratios = i == 0 ? 1 : 2;
        l.aspect_ratios[0] = 2.0f;
        l.aspect_ratios[1] = 3.0f;
        l.flip = 1;
        l.offset = 0.5f;
    }
    c.clip_priors = 0;
    c.coding = NETC_CODING_CAFFE;
    c.variances[0] = c.variances[1] = 0.1f;
    c.variances[2] = c.variances[3] = 0.2f;
    c.num_classes = 21;
    c.background_class = 0;
    c.score_converter = NETC_SCORES_SOFTMAX;
    c.nms = NETC_NMS_PER_CLASS;
    c.score_threshold = 0.25f;
    c.iou_threshold = 0.45f;
    c.top_k = 100;
    c.max_detections = 100;
    return c;
}

TEST(DetectCaffePriors, MobileNetSsdVoc) {
    netc_detection_config c = mobilenet_ssd_voc();
    // 19*19*3 + 10*10*6 + 5*5*6 + 3*3*6 + 2*2*6 + 1*1*6 = 1083 + 600 + 150 + 54 + 24 + 6 = 1917.
    ASSERT_EQ(netc_detect_num_priors(&c), 1917);
    std::vector<float> p = make_priors(c);
    // Layer 1: step 300/19 = 15.789474 px, first centre 0.5*step = 7.894737 px = 0.5/19 =
    // 0.02631579. min 60 px -> 0.2. ar 2: w = 60*sqrt(2)/300 = 0.28284271, h = 0.14142136.
    expect_prior(p, 0, {0.02631579f, 0.02631579f, 0.2f, 0.2f});
    expect_prior(p, 1, {0.02631579f, 0.02631579f, 0.14142136f, 0.28284271f});
    expect_prior(p, 2, {0.02631579f, 0.02631579f, 0.28284271f, 0.14142136f});
    // Cell (0,1): x = 1.5/19 = 0.07894737.
    expect_prior(p, 3, {0.02631579f, 0.07894737f, 0.2f, 0.2f});
    // Layer 2 starts at 1083: step 30, centre 15 px = 0.05; min 105 -> 0.35;
    // max sqrt(105*150) = sqrt(15750) = 125.49900 px -> 0.41833001.
    expect_prior(p, 1083, {0.05f, 0.05f, 0.35f, 0.35f});
    expect_prior(p, 1084, {0.05f, 0.05f, 0.41833001f, 0.41833001f});
    // Last prior: layer 6, 1x1, centre 150 px = 0.5; ratios {1, 2, 1/2, 3, 1/3}, the last
    // box is ar 1/3: w = 285/sqrt(3) = 164.54483 px -> 0.54848276,
    // h = 285*sqrt(3) = 493.63448 px -> 1.6454483 (no clip).
    expect_prior(p, 1916, {0.5f, 0.5f, 1.6454483f, 0.54848276f});
    // Its max box (index 1912): sqrt(285*300) = sqrt(85500) = 292.40383 px -> 0.97467943.
    expect_prior(p, 1912, {0.5f, 0.5f, 0.97467943f, 0.97467943f});
}

// ---- TF ssd_anchor_generator -------------------------------------------------------------

TEST(DetectTfAnchors, TwoLayersReducedLowestAndInterpolated) {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_TF_SSD;
    netc_tf_anchor_generator &g = c.tf_anchors;
    g.num_layers = 2;
    g.feature_heights[0] = g.feature_widths[0] = 2;
    g.feature_heights[1] = g.feature_widths[1] = 1;
    g.min_scale = 0.2f;
    g.max_scale = 0.95f;
    g.num_aspect_ratios = 3;
    g.aspect_ratios[0] = 1.0f;
    g.aspect_ratios[1] = 2.0f;
    g.aspect_ratios[2] = 0.5f;
    g.interpolated_scale_aspect_ratio = 1.0f;
    g.reduce_boxes_in_lowest_layer = 1;
    g.base_anchor_height = g.base_anchor_width = 1.0f;
    // Scales s0 = 0.2, s1 = 0.2 + 0.75*1/1 = 0.95, s2 = 1.
    // Layer 0 (reduced): 3 boxes per cell * 4 cells = 12. Layer 1: 3 ratios + interpolated = 4.
    ASSERT_EQ(netc_detect_num_priors(&c), 16);
    std::vector<float> p = make_priors(c);
    // Cell (0,0) of the 2x2 map: centre (0.5/2, 0.5/2) = (0.25, 0.25).
    // (0.1, 1.0): 0.1 x 0.1. (0.2, 2.0): h = 0.2/sqrt(2) = 0.14142136, w = 0.2*sqrt(2) = 0.28284271.
    expect_prior(p, 0, {0.25f, 0.25f, 0.1f, 0.1f});
    expect_prior(p, 1, {0.25f, 0.25f, 0.14142136f, 0.28284271f});
    expect_prior(p, 2, {0.25f, 0.25f, 0.28284271f, 0.14142136f});
    // y, then x: cell (0,1) is centred at (0.25, 0.75); cell (1,0) at (0.75, 0.25).
    expect_prior(p, 3, {0.25f, 0.75f, 0.1f, 0.1f});
    expect_prior(p, 6, {0.75f, 0.25f, 0.1f, 0.1f});
    expect_prior(p, 11, {0.75f, 0.75f, 0.28284271f, 0.14142136f});
    // Layer 1 (1x1, centre 0.5): (0.95, 1), (0.95, 2): h = 0.95/sqrt(2) = 0.67175144,
    // w = 0.95*sqrt(2) = 1.34350288, (0.95, 0.5), then (sqrt(0.95*1) = 0.97467943, 1).
    expect_prior(p, 12, {0.5f, 0.5f, 0.95f, 0.95f});
    expect_prior(p, 13, {0.5f, 0.5f, 0.67175144f, 1.34350288f});
    expect_prior(p, 14, {0.5f, 0.5f, 1.34350288f, 0.67175144f});
    expect_prior(p, 15, {0.5f, 0.5f, 0.97467943f, 0.97467943f});
}

TEST(DetectTfAnchors, SingleLayerAndBaseSize) {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_TF_SSD;
    netc_tf_anchor_generator &g = c.tf_anchors;
    g.num_layers = 1;
    g.feature_heights[0] = 1;
    g.feature_widths[0] = 2;
    g.min_scale = 0.25f;
    g.max_scale = 0.9f; // unused with one layer
    g.num_aspect_ratios = 1;
    g.aspect_ratios[0] = 1.0f;
    g.interpolated_scale_aspect_ratio = 1.0f;
    g.reduce_boxes_in_lowest_layer = 0;
    g.base_anchor_height = 0.5f;
    g.base_anchor_width = 1.0f;
    // s0 = min_scale = 0.25, s1 = 1: boxes (0.25, 1) and (sqrt(0.25*1) = 0.5, 1); 2 cells.
    ASSERT_EQ(netc_detect_num_priors(&c), 4);
    std::vector<float> p = make_priors(c);
    // h = scale * base_h = 0.25*0.5 = 0.125, w = 0.25; then 0.5*0.5 = 0.25, 0.5.
    // Cells: centre y 0.5/1 = 0.5, x 0.25 and 0.75.
    expect_prior(p, 0, {0.5f, 0.25f, 0.125f, 0.25f});
    expect_prior(p, 1, {0.5f, 0.25f, 0.25f, 0.5f});
    expect_prior(p, 2, {0.5f, 0.75f, 0.125f, 0.25f});
    expect_prior(p, 3, {0.5f, 0.75f, 0.25f, 0.5f});
}

TEST(DetectTfAnchors, ThreeLayerScales) {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_TF_SSD;
    netc_tf_anchor_generator &g = c.tf_anchors;
    g.num_layers = 3;
    for (int i = 0; i < 3; i++) g.feature_heights[i] = g.feature_widths[i] = 1;
    g.min_scale = 0.2f;
    g.max_scale = 0.8f;
    g.num_aspect_ratios = 1;
    g.aspect_ratios[0] = 1.0f;
    g.interpolated_scale_aspect_ratio = 0.0f; // none
    g.base_anchor_height = g.base_anchor_width = 1.0f;
    // s = 0.2, 0.2 + 0.6*1/2 = 0.5, 0.2 + 0.6*2/2 = 0.8; one box per layer.
    ASSERT_EQ(netc_detect_num_priors(&c), 3);
    std::vector<float> p = make_priors(c);
    expect_prior(p, 0, {0.5f, 0.5f, 0.2f, 0.2f});
    expect_prior(p, 1, {0.5f, 0.5f, 0.5f, 0.5f});
    expect_prior(p, 2, {0.5f, 0.5f, 0.8f, 0.8f});
}

TEST(DetectTablePriors, CopiesTheTable) {
    const std::vector<float> table = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
    netc_detection_config c = base_config(table, 2);
    ASSERT_EQ(netc_detect_num_priors(&c), 2);
    std::vector<float> p = make_priors(c);
    EXPECT_EQ(p, table);
    std::vector<float> wrong(12);
    EXPECT_EQ(netc_detect_make_priors(&c, wrong.data(), 3), -1);
}

// ---- decoding and scores -----------------------------------------------------------------

TEST(DetectDecode, CaffeCoding) {
    // Prior (cy 0.5, cx 0.5, h 0.2, w 0.4). Encodings (dx, dy, dw, dh) = (1, -2, 5 ln 2, 0):
    // cx = 0.1*1*0.4 + 0.5 = 0.54; cy = 0.1*(-2)*0.2 + 0.5 = 0.46;
    // w = exp(0.2 * 5 ln 2) * 0.4 = 2*0.4 = 0.8; h = exp(0)*0.2 = 0.2.
    // Corners: (0.46-0.1, 0.54-0.4, 0.46+0.1, 0.54+0.4) = (0.36, 0.14, 0.56, 0.94).
    const std::vector<float> priors = {0.5f, 0.5f, 0.2f, 0.4f};
    netc_detection_config c = base_config(priors, 2);
    const std::vector<float> boxes = {1.0f, -2.0f, 3.4657359f, 0.0f};
    const std::vector<float> scores = {0.1f, 0.9f};
    auto d = run(c, priors, boxes, scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.9f, 1, 0);
    expect_box(d[0], 0.36f, 0.14f, 0.56f, 0.94f);
}

TEST(DetectDecode, TfCoding) {
    // Same prior, encodings (dy, dx, dh, dw) = (1, -2, 5 ln 2, 0), multipliers 1/10, 1/10, 1/5, 1/5:
    // cy = 0.1*1*0.2 + 0.5 = 0.52; cx = 0.1*(-2)*0.4 + 0.5 = 0.42;
    // h = exp(0.2 * 5 ln 2) * 0.2 = 0.4; w = exp(0)*0.4 = 0.4.
    // Corners: (0.52-0.2, 0.42-0.2, 0.52+0.2, 0.42+0.2) = (0.32, 0.22, 0.72, 0.62).
    const std::vector<float> priors = {0.5f, 0.5f, 0.2f, 0.4f};
    netc_detection_config c = base_config(priors, 2);
    c.coding = NETC_CODING_TF;
    const std::vector<float> boxes = {1.0f, -2.0f, 3.4657359f, 0.0f};
    const std::vector<float> scores = {0.1f, 0.9f};
    auto d = run(c, priors, boxes, scores);
    ASSERT_EQ(d.size(), 1u);
    expect_box(d[0], 0.32f, 0.22f, 0.72f, 0.62f);
}

TEST(DetectScores, Sigmoid) {
    // Logits (0, ln 3, -ln 3): sigmoid 1/(1+1) = 0.5, 1/(1+1/3) = 0.75, 1/(1+3) = 0.25.
    const std::vector<float> priors = {0.5f, 0.5f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 3);
    c.background_class = -1;
    c.score_converter = NETC_SCORES_SIGMOID;
    c.score_threshold = 0.1f;
    const std::vector<float> scores = {0.0f, 1.0986123f, -1.0986123f};
    auto d = run(c, priors, zeros(4), scores);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_NEAR(d[0].score, 0.75f, kTol);
    EXPECT_EQ(d[0].class_id, 1);
    EXPECT_NEAR(d[1].score, 0.5f, kTol);
    EXPECT_EQ(d[1].class_id, 0);
    EXPECT_NEAR(d[2].score, 0.25f, kTol);
    EXPECT_EQ(d[2].class_id, 2);
    // Threshold 0.5 is strict: the 0.5 score no longer passes.
    c.score_threshold = 0.5f;
    d = run(c, priors, zeros(4), scores);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].class_id, 1);
}

TEST(DetectScores, SoftmaxOverAllColumnsIncludingBackground) {
    // Logits (0, ln 2, ln 5): exp = 1, 2, 5, sum 8 -> 0.125, 0.25, 0.625. Background (0)
    // takes part in the normalisation but is not reported.
    const std::vector<float> priors = {0.5f, 0.5f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 3);
    c.score_converter = NETC_SCORES_SOFTMAX;
    c.score_threshold = 0.1f;
    auto d = run(c, priors, zeros(4), {0.0f, 0.6931472f, 1.6094379f});
    ASSERT_EQ(d.size(), 2u);
    EXPECT_NEAR(d[0].score, 0.625f, kTol);
    EXPECT_EQ(d[0].class_id, 2);
    EXPECT_NEAR(d[1].score, 0.25f, kTol);
    EXPECT_EQ(d[1].class_id, 1);
    // Shifted by 100 (exp(101.6) overflows float without subtracting the max): same
    // probabilities, within the precision of the logits (ulp of 100 is 7.6e-6).
    d = run(c, priors, zeros(4), {100.0f, 100.6931472f, 101.6094379f});
    ASSERT_EQ(d.size(), 2u);
    EXPECT_NEAR(d[0].score, 0.625f, 1e-4f);
    EXPECT_NEAR(d[1].score, 0.25f, 1e-4f);
}

// ---- IoU ---------------------------------------------------------------------------------

TEST(DetectIou, Cases) {
    const float unit[4] = {0, 0, 1, 1};
    const float far_away[4] = {2, 2, 3, 3};
    EXPECT_EQ(netc_detect_iou(unit, far_away), 0.0f); // disjoint
    const float big[4] = {0, 0, 4, 4}, inner[4] = {1, 1, 3, 3};
    EXPECT_FLOAT_EQ(netc_detect_iou(big, inner), 0.25f); // nested: 4 / 16
    EXPECT_FLOAT_EQ(netc_detect_iou(inner, big), 0.25f);
    const float a[4] = {0, 0, 2, 3};
    EXPECT_FLOAT_EQ(netc_detect_iou(a, a), 1.0f); // identical
    const float right_neighbour[4] = {0, 1, 1, 2};
    EXPECT_EQ(netc_detect_iou(unit, right_neighbour), 0.0f); // touching edges
    const float below[4] = {1, 0, 2, 1};
    EXPECT_EQ(netc_detect_iou(unit, below), 0.0f);
    const float p[4] = {0, 0, 2, 2}, q[4] = {1, 1, 3, 3};
    EXPECT_FLOAT_EQ(netc_detect_iou(p, q), 1.0f / 7.0f); // 1 / (4 + 4 - 1)
    const float flat[4] = {0.5f, 0, 0.5f, 1}; // zero height, inside unit
    EXPECT_EQ(netc_detect_iou(flat, unit), 0.0f);
    EXPECT_EQ(netc_detect_iou(unit, flat), 0.0f);
    EXPECT_EQ(netc_detect_iou(flat, flat), 0.0f); // identical zero-area: union 0
    const float point[4] = {0.5f, 0.5f, 0.5f, 0.5f};
    EXPECT_EQ(netc_detect_iou(point, point), 0.0f);
    const float inverted[4] = {1, 1, 0, 0}; // ymax < ymin: area 0
    EXPECT_EQ(netc_detect_iou(inverted, unit), 0.0f);
}

// ---- NMS ---------------------------------------------------------------------------------

TEST(DetectNms, IouExactlyAtThresholdIsKept) {
    // A: corners (0, 0, 0.5, 0.5), area 0.25. B: (0, 0, 0.5, 0.25), area 0.125, inside A.
    // IoU = 0.125 / 0.25 = 0.5 exactly (all values are dyadic, zero encodings decode exactly).
    const std::vector<float> priors = {0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.125f, 0.5f, 0.25f};
    netc_detection_config c = base_config(priors, 2);
    c.iou_threshold = 0.5f;
    const std::vector<float> scores = {0.0f, 0.9f, 0.0f, 0.8f};
    auto d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 2u); // 0.5 > 0.5 is false: B is kept
    expect_det(d[0], 0.9f, 1, 0);
    expect_box(d[0], 0.0f, 0.0f, 0.5f, 0.5f, 0.0f);
    expect_det(d[1], 0.8f, 1, 1);
    expect_box(d[1], 0.0f, 0.0f, 0.5f, 0.25f, 0.0f);
    c.iou_threshold = 0.49f;
    d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.9f, 1, 0);
}

TEST(DetectNms, EqualScoresLowerPriorWins) {
    // Prior 0: a disjoint box with a lower score; priors 1 and 2: the same box, same score.
    const std::vector<float> priors = {0.1f, 0.1f, 0.1f, 0.1f, 0.6f, 0.6f, 0.2f, 0.2f,
                                       0.6f, 0.6f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 2);
    auto d = run(c, priors, zeros(12), {0, 0.6f, 0, 0.7f, 0, 0.7f});
    ASSERT_EQ(d.size(), 2u);
    expect_det(d[0], 0.7f, 1, 1);
    expect_det(d[1], 0.6f, 1, 0);
}

TEST(DetectNms, FinalOrderScoreThenClassThenPrior) {
    // Two disjoint priors, classes 1 and 2 (0 is background).
    // p0: (bg, 0.7, 0.7), p1: (bg, 0.7, 0.9).
    const std::vector<float> priors = {0.2f, 0.2f, 0.2f, 0.2f, 0.7f, 0.7f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 3);
    auto d = run(c, priors, zeros(8), {0.0f, 0.7f, 0.7f, 0.0f, 0.7f, 0.9f});
    ASSERT_EQ(d.size(), 4u);
    expect_det(d[0], 0.9f, 2, 1);
    expect_det(d[1], 0.7f, 1, 0);
    expect_det(d[2], 0.7f, 1, 1);
    expect_det(d[3], 0.7f, 2, 0);
}

TEST(DetectNms, ClipBoxesChangesSuppression) {
    // X: prior (0.9, 0.5, 0.4, 0.4) -> corners (0.7, 0.3, 1.1, 0.7), partly below the image.
    // Y: prior (0.85, 0.5, 0.3, 0.4) -> corners (0.7, 0.3, 1.0, 0.7).
    // Unclipped IoU = (0.3*0.4) / (0.4*0.4) = 0.12/0.16 = 0.75 <= 0.8: both kept.
    // Clipped, X becomes (0.7, 0.3, 1.0, 0.7) = Y: IoU 1 > 0.8, Y suppressed.
    const std::vector<float> priors = {0.9f, 0.5f, 0.4f, 0.4f, 0.85f, 0.5f, 0.3f, 0.4f};
    netc_detection_config c = base_config(priors, 2);
    c.iou_threshold = 0.8f;
    const std::vector<float> scores = {0, 0.9f, 0, 0.8f};
    auto d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 2u);
    expect_box(d[0], 0.7f, 0.3f, 1.1f, 0.7f);
    expect_box(d[1], 0.7f, 0.3f, 1.0f, 0.7f);
    c.clip_boxes = 1;
    d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.9f, 1, 0);
    expect_box(d[0], 0.7f, 0.3f, 1.0f, 0.7f);
}

TEST(DetectNms, ClipBoxesClampsAllCorners) {
    // Prior (0.5, 0.5, 2, 3): corners (-0.5, -1, 1.5, 2) -> clipped (0, 0, 1, 1).
    const std::vector<float> priors = {0.5f, 0.5f, 2.0f, 3.0f};
    netc_detection_config c = base_config(priors, 2);
    c.clip_boxes = 1;
    auto d = run(c, priors, zeros(4), {0, 0.9f});
    ASSERT_EQ(d.size(), 1u);
    expect_box(d[0], 0.0f, 0.0f, 1.0f, 1.0f, 0.0f);
}

TEST(DetectNms, ZeroAreaBoxesNeitherSuppressNorAreSuppressed) {
    // Z1, Z2: the same zero-size box at (0.5, 0.5); A: 0.4 x 0.4 around it. All IoUs are 0.
    const std::vector<float> priors = {0.5f, 0.5f, 0.0f, 0.0f, 0.5f, 0.5f, 0.0f, 0.0f,
                                       0.5f, 0.5f, 0.4f, 0.4f};
    netc_detection_config c = base_config(priors, 2);
    c.iou_threshold = 0.1f;
    auto d = run(c, priors, zeros(12), {0, 0.9f, 0, 0.8f, 0, 0.7f});
    ASSERT_EQ(d.size(), 3u);
    expect_det(d[0], 0.9f, 1, 0);
    expect_det(d[1], 0.8f, 1, 1);
    expect_det(d[2], 0.7f, 1, 2);
}

// Five disjoint boxes in a row, scores 0.5, 0.9, 0.7, 0.6, 0.8 for class 1.
std::vector<float> five_priors() {
    std::vector<float> p;
    for (int i = 0; i < 5; i++) {
        const float q[4] = {0.5f, 0.1f + 0.2f * static_cast<float>(i), 0.1f, 0.1f};
        p.insert(p.end(), q, q + 4);
    }
    return p;
}
const std::vector<float> kFiveScores = {0, 0.5f, 0, 0.9f, 0, 0.7f, 0, 0.6f, 0, 0.8f};

TEST(DetectNms, MaxDetections) {
    const std::vector<float> priors = five_priors();
    netc_detection_config c = base_config(priors, 2);
    c.score_threshold = 0.0f;
    c.max_detections = 3;
    auto d = run(c, priors, zeros(20), kFiveScores);
    ASSERT_EQ(d.size(), 3u);
    expect_det(d[0], 0.9f, 1, 1);
    expect_det(d[1], 0.8f, 1, 4);
    expect_det(d[2], 0.7f, 1, 2);
    // max_out below max_detections: the best max_out.
    d = run(c, priors, zeros(20), kFiveScores, 2);
    ASSERT_EQ(d.size(), 2u);
    expect_det(d[1], 0.8f, 1, 4);
    // max_out 0 with out = NULL writes nothing.
    std::vector<float> s(static_cast<size_t>(netc_detect_scratch_bytes(&c, 5)) / 4 + 4);
    EXPECT_EQ(netc_detect_postprocess(&c, priors.data(), 5, zeros(20).data(), kFiveScores.data(),
                                      s.data(), nullptr, 0),
              0);
}

TEST(DetectNms, TopKBeforeNms) {
    std::vector<float> priors = five_priors();
    netc_detection_config c = base_config(priors, 2);
    c.score_threshold = 0.0f;
    c.top_k = 2;
    auto d = run(c, priors, zeros(20), kFiveScores);
    ASSERT_EQ(d.size(), 2u);
    expect_det(d[0], 0.9f, 1, 1);
    expect_det(d[1], 0.8f, 1, 4);
    // Make prior 4 (0.8) the same box as prior 1 (0.9): the top 2 are 1 and 4, NMS drops 4,
    // and the lower-scored boxes 2, 3, 0 were cut before NMS: one detection.
    for (int k = 0; k < 4; k++) priors[16 + k] = priors[4 + k];
    c.anchor_table = priors.data();
    d = run(c, priors, zeros(20), kFiveScores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.9f, 1, 1);
    // top_k 0 = all: 1, then 2 (0.7), 3 (0.6), 0 (0.5); 4 suppressed.
    c.top_k = 0;
    d = run(c, priors, zeros(20), kFiveScores);
    ASSERT_EQ(d.size(), 4u);
    expect_det(d[3], 0.5f, 1, 0);
}

TEST(DetectNms, BackgroundNeverReported) {
    // Background (class 0) has the highest score everywhere.
    const std::vector<float> priors = {0.2f, 0.2f, 0.2f, 0.2f, 0.7f, 0.7f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 3);
    const std::vector<float> scores = {0.99f, 0.6f, 0.1f, 0.95f, 0.1f, 0.1f};
    auto d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.6f, 1, 0);
    c.nms = NETC_NMS_CLASS_AGNOSTIC;
    d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.6f, 1, 0);
    // Background class 1 (not the first column): class 0 is reported, class 1 never.
    c.nms = NETC_NMS_PER_CLASS;
    c.background_class = 1;
    d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 2u);
    expect_det(d[0], 0.99f, 0, 0);
    expect_det(d[1], 0.95f, 0, 1);
    // Only a background column: nothing to report.
    netc_detection_config one = base_config(priors, 1);
    EXPECT_EQ(run(one, priors, zeros(8), {0.9f, 0.9f}).size(), 0u);
}

TEST(DetectNms, PerClassVersusClassAgnostic) {
    // Two identical boxes. Prior 0: class 1 0.9, class 2 0.1; prior 1: class 1 0.2, class 2 0.8.
    const std::vector<float> priors = {0.5f, 0.5f, 0.4f, 0.4f, 0.5f, 0.5f, 0.4f, 0.4f};
    netc_detection_config c = base_config(priors, 3);
    const std::vector<float> scores = {0, 0.9f, 0.1f, 0, 0.2f, 0.8f};
    // Per class: class 1 has only prior 0 above 0.5, class 2 only prior 1: both reported.
    auto d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 2u);
    expect_det(d[0], 0.9f, 1, 0);
    expect_det(d[1], 0.8f, 2, 1);
    // Agnostic: prior 0 (best class 1, 0.9) suppresses prior 1 (best class 2, 0.8): IoU 1.
    c.nms = NETC_NMS_CLASS_AGNOSTIC;
    d = run(c, priors, zeros(8), scores);
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.9f, 1, 0);
}

TEST(DetectNms, AgnosticBestClassTieGoesToLowerClass) {
    const std::vector<float> priors = {0.5f, 0.5f, 0.4f, 0.4f};
    netc_detection_config c = base_config(priors, 4);
    c.nms = NETC_NMS_CLASS_AGNOSTIC;
    auto d = run(c, priors, zeros(4), {0.0f, 0.3f, 0.6f, 0.6f});
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.6f, 2, 0);
    // Agnostic candidates tie on score by prior index, whatever their class: prior 1
    // (class 1) and prior 0 (class 2) with the same box and score 0.7 -> prior 0 wins.
    const std::vector<float> two = {0.5f, 0.5f, 0.4f, 0.4f, 0.5f, 0.5f, 0.4f, 0.4f};
    netc_detection_config c2 = base_config(two, 3);
    c2.nms = NETC_NMS_CLASS_AGNOSTIC;
    d = run(c2, two, zeros(8), {0, 0, 0.7f, 0, 0.7f, 0});
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.7f, 2, 0);
}

TEST(DetectNms, NanScoresNeverPass) {
    const std::vector<float> priors = {0.2f, 0.2f, 0.2f, 0.2f, 0.7f, 0.7f, 0.2f, 0.2f};
    netc_detection_config c = base_config(priors, 2);
    const float nan = std::nanf("");
    auto d = run(c, priors, zeros(8), {0, nan, 0, 0.6f});
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.6f, 1, 1);
    c.nms = NETC_NMS_CLASS_AGNOSTIC;
    d = run(c, priors, zeros(8), {0, nan, 0, 0.6f});
    ASSERT_EQ(d.size(), 1u);
    expect_det(d[0], 0.6f, 1, 1);
}

// ---- a full-size run in an exactly sized scratch buffer ----------------------------------

TEST(DetectScratch, MobileNetSsdExactScratch) {
    netc_detection_config c = mobilenet_ssd_voc();
    const std::vector<float> priors = make_priors(c);
    const int64_t n = 1917;
    ASSERT_EQ(priors.size(), static_cast<size_t>(4 * n));
    // Deterministic pseudo-random encodings and logits (a simple LCG).
    uint32_t state = 12345;
    auto next = [&state]() {
        state = state * 1664525u + 1013904223u;
        return static_cast<float>(state >> 8) / 16777216.0f; // [0, 1)
    };
    std::vector<float> boxes(static_cast<size_t>(4 * n)), scores(static_cast<size_t>(21 * n));
    for (float &b : boxes) b = next() * 2.0f - 1.0f;
    for (float &s : scores) s = next() * 8.0f - 4.0f;
    for (int agnostic = 0; agnostic < 2; agnostic++) {
        for (int conv = 0; conv < 3; conv++) {
            c.nms = agnostic ? NETC_NMS_CLASS_AGNOSTIC : NETC_NMS_PER_CLASS;
            c.score_converter = static_cast<netc_score_converter>(conv);
            c.top_k = conv == 0 ? 0 : 100;
            c.score_threshold = conv == 0 ? 3.0f : 0.25f;
            auto d = run(c, priors, boxes, scores); // exact-size malloc scratch
            EXPECT_LE(d.size(), 100u);
            for (size_t i = 0; i < d.size(); i++) {
                EXPECT_NE(d[i].class_id, 0);
                EXPECT_GT(d[i].score, c.score_threshold);
                if (i > 0) {
                    EXPECT_LE(d[i].score, d[i - 1].score);
                }
            }
        }
    }
    // A huge max_detections does not make the scratch huge: it is capped by what can be
    // reported (here top_k 100 per class * 20 classes).
    c.max_detections = 2000000000;
    c.score_converter = NETC_SCORES_SOFTMAX;
    c.nms = NETC_NMS_PER_CLASS;
    const int64_t bytes = netc_detect_scratch_bytes(&c, n);
    EXPECT_GT(bytes, 0);
    EXPECT_LT(bytes, 4 * 1024 * 1024);
}

// ---- invalid input -----------------------------------------------------------------------

TEST(DetectInvalid, PostprocessConfigs) {
    const std::vector<float> priors = {0.5f, 0.5f, 0.4f, 0.4f};
    const std::vector<float> boxes = zeros(4), scores = {0.1f, 0.9f};
    const netc_detection_config good = base_config(priors, 2);
    std::vector<float> scratch(1024);
    netc_detection out[4];
    auto call = [&](const netc_detection_config &c) {
        return netc_detect_postprocess(&c, priors.data(), 1, boxes.data(), scores.data(),
                                       scratch.data(), out, 4);
    };
    ASSERT_EQ(call(good), 1);
    auto bad = [&](void (*edit)(netc_detection_config &)) {
        netc_detection_config c = good;
        edit(c);
        EXPECT_EQ(netc_detect_scratch_bytes(&c, 1), -1);
        return call(c);
    };
    EXPECT_EQ(bad([](netc_detection_config &c) { c.num_classes = 0; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.background_class = 2; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.background_class = -2; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.score_threshold = std::nanf(""); }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.iou_threshold = INFINITY; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.variances[2] = std::nanf(""); }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.top_k = -1; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.max_detections = 0; }), -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.coding = static_cast<netc_box_coding>(7); }),
              -1);
    EXPECT_EQ(bad([](netc_detection_config &c) {
                  c.score_converter = static_cast<netc_score_converter>(3);
              }),
              -1);
    EXPECT_EQ(bad([](netc_detection_config &c) { c.nms = static_cast<netc_nms_kind>(-1); }), -1);

    const float *p = priors.data();
    EXPECT_EQ(netc_detect_scratch_bytes(&good, 0), -1);
    EXPECT_EQ(netc_detect_scratch_bytes(&good, int64_t{1} << 31), -1);
    EXPECT_EQ(netc_detect_scratch_bytes(nullptr, 1), -1);
    void *s = scratch.data();
    EXPECT_EQ(netc_detect_postprocess(nullptr, p, 1, boxes.data(), scores.data(), s, out, 4), -1);
    EXPECT_EQ(netc_detect_postprocess(&good, nullptr, 1, boxes.data(), scores.data(), s, out, 4),
              -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 1, nullptr, scores.data(), s, out, 4), -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 1, boxes.data(), nullptr, s, out, 4), -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 1, boxes.data(), scores.data(), nullptr, out, 4),
              -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 1, boxes.data(), scores.data(), s, nullptr, 4),
              -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 1, boxes.data(), scores.data(), s, out, -1), -1);
    EXPECT_EQ(netc_detect_postprocess(&good, p, 0, boxes.data(), scores.data(), s, out, 4), -1);
    EXPECT_EQ(netc_detect_iou(nullptr, p), 0.0f);
}

TEST(DetectInvalid, PriorConfigs) {
    std::vector<float> buf(4096);
    auto bad = [&](netc_detection_config c) {
        EXPECT_EQ(netc_detect_num_priors(&c), -1);
        EXPECT_EQ(netc_detect_make_priors(&c, buf.data(), 16), -1);
    };
    const netc_detection_config caffe = caffe_2x2();
    ASSERT_EQ(netc_detect_num_priors(&caffe), 16);
    netc_detection_config c = caffe;
    c.num_caffe_layers = 0;
    bad(c);
    c = caffe;
    c.num_caffe_layers = NETC_DETECT_MAX_LAYERS + 1;
    bad(c);
    c = caffe;
    c.image_width = 0;
    bad(c);
    c = caffe;
    c.caffe_layers[0].feature_height = 0;
    bad(c);
    c = caffe;
    c.caffe_layers[0].min_size = 0.0f;
    bad(c);
    c = caffe;
    c.caffe_layers[0].max_size = 20.0f; // below min_size
    bad(c);
    c = caffe;
    c.caffe_layers[0].num_aspect_ratios = NETC_DETECT_MAX_ASPECT_RATIOS + 1;
    bad(c);
    c = caffe;
    c.caffe_layers[0].aspect_ratios[0] = -2.0f;
    bad(c);
    c = caffe;
    c.caffe_layers[0].aspect_ratios[0] = 0.0f;
    bad(c);
    c = caffe;
    c.caffe_layers[0].step_w = -1.0f;
    bad(c);
    c = caffe;
    c.caffe_layers[0].offset = std::nanf("");
    bad(c);
    c = caffe;
    c.caffe_layers[0].feature_height = c.caffe_layers[0].feature_width = 50000; // > 2^31 priors
    bad(c);
    c = caffe;
    c.priors = static_cast<netc_prior_kind>(9);
    bad(c);
    EXPECT_EQ(netc_detect_num_priors(nullptr), -1);
    EXPECT_EQ(netc_detect_make_priors(&caffe, nullptr, 16), -1);
    EXPECT_EQ(netc_detect_make_priors(&caffe, buf.data(), 15), -1);

    netc_detection_config tf{};
    tf.priors = NETC_PRIORS_TF_SSD;
    tf.tf_anchors.num_layers = 1;
    tf.tf_anchors.feature_heights[0] = tf.tf_anchors.feature_widths[0] = 2;
    tf.tf_anchors.min_scale = 0.2f;
    tf.tf_anchors.max_scale = 0.95f;
    tf.tf_anchors.num_aspect_ratios = 1;
    tf.tf_anchors.aspect_ratios[0] = 1.0f;
    tf.tf_anchors.base_anchor_height = tf.tf_anchors.base_anchor_width = 1.0f;
    ASSERT_EQ(netc_detect_num_priors(&tf), 4);
    c = tf;
    c.tf_anchors.num_layers = 0;
    bad(c);
    c = tf;
    c.tf_anchors.feature_widths[0] = -1;
    bad(c);
    c = tf;
    c.tf_anchors.num_aspect_ratios = 0; // no boxes in the layer
    bad(c);
    c = tf;
    c.tf_anchors.min_scale = std::nanf("");
    bad(c);
    c = tf;
    c.tf_anchors.base_anchor_width = 0.0f;
    bad(c);
    c = tf;
    c.tf_anchors.aspect_ratios[0] = 0.0f;
    bad(c);

    netc_detection_config table{};
    table.priors = NETC_PRIORS_TABLE;
    table.num_table_anchors = 2;
    table.anchor_table = nullptr;
    bad(table);
    table.anchor_table = buf.data();
    table.num_table_anchors = 0;
    bad(table);
}

} // namespace
