// Whole models, compiled by `netc compile` at build time and linked statically, against the
// reference interpreter on the unfused graph. Both libraries live in this one executable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "HalideRuntime.h"
#include "mobilenet_v1.h"
#include "mobilenet_v2.h"
#include "mobilenet_v3_large.h"
#include "mobilenet_v3_small.h"
#include "reference/reference.h"
#include "spec/load_model.h"
#include "tiny_net.h"
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
std::vector<std::vector<float>> run_compiled(netc_session *s, const netc_model *m, const std::vector<float> &input) {
    const netc_tensor_info *ii = netc_model_input(m, 0);
    netc_tensor in{NETC_FLOAT32, ii->rank, {}, const_cast<float *>(input.data())};
    std::copy(ii->shape, ii->shape + ii->rank, in.shape);
    std::vector<std::vector<float>> outs;
    std::vector<netc_tensor> ts;
    for (int o = 0; o < netc_model_num_outputs(m); o++) outs.emplace_back(size_t(count(netc_model_output(m, o))));
    for (int o = 0; o < netc_model_num_outputs(m); o++) {
        const netc_tensor_info *oi = netc_model_output(m, o);
        netc_tensor t{NETC_FLOAT32, oi->rank, {}, outs[size_t(o)].data()};
        std::copy(oi->shape, oi->shape + oi->rank, t.shape);
        ts.push_back(t);
    }
    EXPECT_EQ(netc_run(s, &in, 1, ts.data(), int32_t(ts.size())), NETC_OK) << netc_session_error(s);
    return outs;
}

double relative_diff(const std::vector<float> &got, const std::vector<float> &want) {
    double max_abs = 0, max_ref = 0;
    for (size_t i = 0; i < want.size(); i++) {
        max_abs = std::max(max_abs, double(std::fabs(got[i] - want[i])));
        if (!std::isfinite(got[i])) max_abs = INFINITY;
        max_ref = std::max(max_ref, double(std::fabs(want[i])));
    }
    return max_abs / std::max(max_ref, 1e-30);
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
        EXPECT_LE(relative_diff(got[o], want[o]), 1e-4) << spec << " output " << o;
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

// The generated stages' own temporaries go through halide_malloc: after the first
// inference, none may be made (the session owns every buffer).
int halide_mallocs = 0;
void *counting_malloc(void *, size_t n) {
    halide_mallocs++;
    return aligned_alloc(64, (n + 63) / 64 * 64);
}
void counting_free(void *, void *p) { free(p); }

TEST(Models, NoHalideAllocationPerInference) {
    const netc_model *m = netc_mobilenet_v1_model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(m, &s), NETC_OK);
    halide_set_custom_malloc(counting_malloc);
    halide_set_custom_free(counting_free);
    const auto input = seeded(224 * 224 * 3, 5);
    run_compiled(s, m, input);
    halide_mallocs = 0;
    for (int i = 0; i < 5; i++) run_compiled(s, m, input);
    EXPECT_EQ(halide_mallocs, 0);
    netc_session_destroy(s);
}

}  // namespace
