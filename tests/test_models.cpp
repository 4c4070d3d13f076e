// Whole models, compiled by `netc compile` at build time and linked statically, against the
// reference interpreter on the unfused graph. Both libraries live in this one executable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "HalideRuntime.h"
#include "mobilenet_ssd.h"
#include "mobilenet_v1.h"
#include "mobilenet_v2.h"
#include "mobilenet_v3_large.h"
#include "mobilenet_v3_small.h"
#include "analysis/difference.h"
#include "count_allocations.h"
#include "exec/postprocess_detections.h"
#include "reference/reference.h"
#include "spec/load_model.h"
#include "tiny_net.h"
#include "tiny_ssd_tf.h"
#include "xception.h"

namespace {

std::vector<float> seeded(size_t n, uint32_t seed) {
    std::vector<float> v(n);
    for (float &x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = float(seed >> 8) / 8388608.0f - 1.0f;
    }
    return v;
}

int64_t count(const netc_tensor_info *t) {
    int64_t n = 1;
    for (int d = 0; d < t->rank; d++) n *= t->shape[d];
    return n;
}

// Runs the compiled model through the public C API.
// An input tensor over `input` and output tensors over buffers of the model's shapes.
struct ModelIo {
    netc_tensor in{};
    std::vector<std::vector<float>> outs;
    std::vector<netc_tensor> ts;
    ModelIo(const netc_model *m, const std::vector<float> &input) {
        const netc_tensor_info *ii = netc_model_input(m, 0);
        in = netc_tensor{NETC_FLOAT32, ii->rank, {}, const_cast<float *>(input.data())};
        std::copy(ii->shape, ii->shape + ii->rank, in.shape);
        for (int o = 0; o < netc_model_num_outputs(m); o++) outs.emplace_back(size_t(count(netc_model_output(m, o))));
        for (int o = 0; o < netc_model_num_outputs(m); o++) {
            const netc_tensor_info *oi = netc_model_output(m, o);
            netc_tensor t{NETC_FLOAT32, oi->rank, {}, outs[size_t(o)].data()};
            std::copy(oi->shape, oi->shape + oi->rank, t.shape);
            ts.push_back(t);
        }
    }
    netc_status run(netc_session *s) { return netc_run(s, &in, 1, ts.data(), int32_t(ts.size())); }
};

std::vector<std::vector<float>> run_compiled(netc_session *s, const netc_model *m, const std::vector<float> &input) {
    ModelIo io(m, input);
    EXPECT_EQ(io.run(s), NETC_OK) << netc_session_error(s);
    return io.outs;
}

void expect_matches_reference(const netc_model *m, const std::string &spec, int threads) {
    netc_set_num_threads(threads);
    const netc::Graph g = netc::load_model(std::string(NETC_SOURCE_DIR) + "/" + spec);
    const auto input = seeded(size_t(g.input.shape.elements()), 1234);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    const auto got = run_compiled(s, m, input);
    const auto want = netc::run_reference(g, input);
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < want.size(); o++) {
        ASSERT_EQ(got[o].size(), want[o].size());
        EXPECT_LE(netc::difference(got[o], want[o]).relative, 1e-4) << spec << " output " << o;
    }
    netc_session_destroy(s);
}

TEST(Models, MobileNetV1MatchesReference1Thread) { expect_matches_reference(netc_mobilenet_v1_model(), "models/mobilenet_v1.json", 1); }
TEST(Models, MobileNetV1MatchesReference2Threads) { expect_matches_reference(netc_mobilenet_v1_model(), "models/mobilenet_v1.json", 2); }
TEST(Models, MobileNetV2MatchesReference2Threads) { expect_matches_reference(netc_mobilenet_v2_model(), "models/mobilenet_v2.json", 2); }
// V3 outputs prob and logits: a softmax can hide differences its logits show.
TEST(Models, MobileNetV3SmallMatchesReference) { expect_matches_reference(netc_mobilenet_v3_small_model(), "models/mobilenet_v3_small.json", 1); }
TEST(Models, MobileNetV3LargeMatchesReference) { expect_matches_reference(netc_mobilenet_v3_large_model(), "models/mobilenet_v3_large.json", 2); }
TEST(Models, XceptionMatchesReference) { expect_matches_reference(netc_xception_model(), "models/xception.json", 2); }
TEST(Models, TinyNetMatchesReference) { expect_matches_reference(netc_tiny_net_model(), "tests/models/tiny_net.json", 2); }

TEST(Models, MobileNetSsdMatchesReference) { expect_matches_reference(netc_mobilenet_ssd_model(), "models/mobilenet_ssd.json", 2); }

// Post-processing of the compiled model's raw outputs and of the reference interpreter's,
// with the same parameters, gives the same detections: same classes, same priors, same
// order; boxes and scores equal up to the raw outputs' float differences.
void expect_same_detections(const std::vector<netc_detection> &got, const std::vector<netc_detection> &want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); i++) {
        EXPECT_EQ(got[i].class_id, want[i].class_id) << "detection " << i;
        EXPECT_EQ(got[i].prior, want[i].prior) << "detection " << i;
        EXPECT_NEAR(got[i].score, want[i].score, 1e-4) << "detection " << i;
        for (float netc_detection::*f : {&netc_detection::ymin, &netc_detection::xmin, &netc_detection::ymax, &netc_detection::xmax})
            EXPECT_NEAR(got[i].*f, want[i].*f, 1e-4) << "detection " << i;
    }
}

std::vector<netc_detection> postprocess(const netc_detection_config &c, const std::vector<float> &boxes, const std::vector<float> &scores) {
    return netc::postprocess_detections(c, boxes, scores, "test");
}

TEST(Models, MobileNetSsdDetectionsMatchReference) {
    const netc_model *m = netc_mobilenet_ssd_model();
    const netc::Graph g = netc::load_model(std::string(NETC_SOURCE_DIR) + "/models/mobilenet_ssd.json");
    ASSERT_NE(netc_model_detection(m), nullptr);
    const auto input = seeded(size_t(g.input.shape.elements()), 4321);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    const auto raw = run_compiled(s, m, input);
    const auto want_raw = netc::run_reference(g, input);
    const int boxes = g.detection.boxes_output, scores = g.detection.scores_output;

    // As compiled (confidence 0.25): netc_detect equals post-processing the reference's outputs.
    const netc_detection_config spec_config = g.detection.runtime_config();
    const auto want = postprocess(spec_config, want_raw[size_t(boxes)], want_raw[size_t(scores)]);
    std::vector<netc_detection> got(200);
    int32_t n = -1;
    ASSERT_EQ(netc_detect(s, nullptr, 0, got.data(), 200, &n), NETC_ERROR_INVALID_ARGUMENT);  // no input
    const netc_tensor_info *ii = netc_model_input(m, 0);
    netc_tensor in{NETC_FLOAT32, ii->rank, {ii->shape[0], ii->shape[1], ii->shape[2]}, const_cast<float *>(input.data())};
    ASSERT_EQ(netc_detect(s, &in, 1, got.data(), 200, &n), NETC_OK) << netc_session_error(s);
    got.resize(size_t(n));
    expect_same_detections(got, want);

    // Without the top_k and max_detections caps, thousands of candidates above a low threshold
    // go through NMS. Some then sit within float rounding of the score or IoU threshold, where
    // either decision is right; all but a handful must agree.
    netc_detection_config low = spec_config;
    low.score_threshold = 0.02f;
    low.top_k = 0;
    low.max_detections = 100000;
    const auto many = postprocess(low, want_raw[size_t(boxes)], want_raw[size_t(scores)]);
    const auto many_got = postprocess(low, raw[size_t(boxes)], raw[size_t(scores)]);
    EXPECT_GT(many.size(), 1000u);
    std::set<std::pair<int, int>> kept;
    for (const auto &d : many) kept.insert({d.class_id, d.prior});
    size_t agree = 0;
    for (const auto &d : many_got) agree += kept.count({d.class_id, d.prior});
    EXPECT_GE(double(agree), 0.999 * double(many.size()));
    EXPECT_LE(std::max(many.size(), many_got.size()) - agree, many.size() / 1000 + 1);
    std::printf("detections: %zu at confidence 0.25; at 0.02 uncapped %zu (reference) and %zu (compiled), %zu in both\n",
                got.size(), many.size(), many_got.size(), agree);
    netc_session_destroy(s);
}

// The TensorFlow family end to end: anchor generator, (ty, tx, th, tw) coding, sigmoid
// applied by the runtime, class-agnostic NMS, clipping.
TEST(Models, TinySsdTfDetectionsMatchReference) {
    const netc_model *m = netc_tiny_ssd_tf_model();
    expect_matches_reference(m, "tests/models/tiny_ssd_tf.json", 1);
    const netc::Graph g = netc::load_model(std::string(NETC_SOURCE_DIR) + "/tests/models/tiny_ssd_tf.json");
    const netc_detection_config c = g.detection.runtime_config();
    EXPECT_EQ(netc_detect_num_priors(&c), 8 * 8 * 3 + 4 * 4 * 4);  // 3 boxes in the lowest layer, 3 ratios + interpolated above
    EXPECT_EQ(c.num_classes, 4);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    size_t total = 0;
    for (uint32_t seed = 1; seed <= 5; seed++) {
        const auto input = seeded(size_t(g.input.shape.elements()), seed);
        const auto want_raw = netc::run_reference(g, input);
        const auto want = postprocess(c, want_raw[size_t(g.detection.boxes_output)], want_raw[size_t(g.detection.scores_output)]);
        netc_tensor in{NETC_FLOAT32, 3, {32, 32, 3}, const_cast<float *>(input.data())};
        std::vector<netc_detection> got(64);
        int32_t n = -1;
        ASSERT_EQ(netc_detect(s, &in, 1, got.data(), 64, &n), NETC_OK) << netc_session_error(s);
        got.resize(size_t(n));
        expect_same_detections(got, want);
        for (const auto &d : got) {
            EXPECT_NE(d.class_id, 0);  // background
            EXPECT_GT(d.score, 0.3f);
            EXPECT_GE(d.ymin, 0.0f);
            EXPECT_LE(d.xmax, 1.0f);
        }
        total += got.size();
    }
    EXPECT_GT(total, 0u);
    netc_session_destroy(s);
}

TEST(Models, MetadataDescribesTheModel) {
    const netc_model *m = netc_mobilenet_v1_model();
    EXPECT_STREQ(netc_model_name(m), "mobilenet_v1");
    ASSERT_EQ(netc_model_num_inputs(m), 1);
    const netc_tensor_info *in = netc_model_input(m, 0);
    EXPECT_STREQ(in->name, "image");
    EXPECT_EQ(in->rank, 3);
    EXPECT_EQ(in->shape[0], 224);
    EXPECT_EQ(in->shape[2], 3);
    EXPECT_FLOAT_EQ(in->mean[0], 127.5f);
    ASSERT_EQ(netc_model_num_outputs(m), 1);
    EXPECT_EQ(netc_model_output(m, 0)->shape[0], 1000);
    EXPECT_EQ(netc_model_output(m, 1), nullptr);
}

TEST(Models, WrongInputShapeIsAnErrorNamingTheInput) {
    const netc_model *m = netc_mobilenet_v1_model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    std::vector<float> in(223 * 224 * 3), out(1000);
    netc_tensor ti{NETC_FLOAT32, 3, {223, 224, 3}, in.data()};
    netc_tensor to{NETC_FLOAT32, 1, {1000}, out.data()};
    EXPECT_EQ(netc_run(s, &ti, 1, &to, 1), NETC_ERROR_SHAPE);
    EXPECT_NE(std::string(netc_session_error(s)).find("image"), std::string::npos) << netc_session_error(s);
    netc_session_destroy(s);
}

#ifdef NETC_COUNT_ALLOCATIONS
// The session owns every buffer, and the stages' temporaries too large for the stack come
// from each thread's scratch region (runtime/netc_scratch.h): after the first inference, no
// heap allocation on any thread. Counted for every bundled model, at 2 threads.
void expect_no_allocation_per_inference(const netc_model *m) {
    netc_set_num_threads(2);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    const auto input = seeded(size_t(count(netc_model_input(m, 0))), 5);
    ModelIo io(m, input);
    const long before_first = g_allocations.load();
    ASSERT_EQ(io.run(s), NETC_OK) << netc_session_error(s);
    const long first = g_allocations.load() - before_first;
    const long before = g_allocations.load();
    for (int i = 0; i < 5; i++) ASSERT_EQ(io.run(s), NETC_OK) << netc_session_error(s);
    EXPECT_EQ(g_allocations.load() - before, 0) << netc_model_name(m) << " (the first inference made " << first << ")";
    netc_session_destroy(s);
    netc_set_num_threads(0);
}

TEST(Models, NoAllocationPerInference) {
    // The counter must see allocations at all, or a count of zero proves nothing.
    const long before = g_allocations.load();
    std::vector<float> *probe = new std::vector<float>(1000);
    delete probe;
    ASSERT_GT(g_allocations.load(), before) << "allocation counting does not work";
    for (const netc_model *m : {netc_mobilenet_v1_model(), netc_mobilenet_v2_model(), netc_mobilenet_v3_small_model(),
                                netc_mobilenet_v3_large_model(), netc_mobilenet_ssd_model(), netc_xception_model()})
        expect_no_allocation_per_inference(m);
}
#endif

}  // namespace
