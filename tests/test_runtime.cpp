// Tests of the netc runtime (runtime/netc.c) without any Halide-generated code: the models
// below are descriptors written by hand, with stage functions that have the signature of
// Halide's `_argv` entry points and read and write through halide_buffer_t.
//
// No Halide runtime is linked into this test, so the Halide functions the runtime calls
// (halide_set_num_threads, halide_set_error_handler, halide_set_custom_do_par_for) are
// defined here.

#include "netc.h"
#include "netc_model.h"
#include "netc_scratch.h"
#include "netc_threads.h"

#include "count_allocations.h"

#include "HalideRuntime.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

// ---- stand-ins for the Halide runtime --------------------------------------------------

static halide_error_handler_t g_error_handler = nullptr;
static int g_num_threads = 0;

extern "C" halide_error_handler_t halide_set_error_handler(halide_error_handler_t handler) {
    halide_error_handler_t previous = g_error_handler;
    g_error_handler = handler;
    return previous;
}

extern "C" int halide_set_num_threads(int n) {
    int previous = g_num_threads;
    g_num_threads = n;
    return previous;
}

// The parallel-loop function the runtime installs (its worker pool, runtime/netc_threads.c).
static halide_do_par_for_t g_do_par_for = nullptr;
extern "C" halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t f) {
    halide_do_par_for_t previous = g_do_par_for;
    g_do_par_for = f;
    return previous;
}

// Reports an error the way Halide-generated code does: through the registered handler.
static void report_error(const char *msg) {
    if (g_error_handler) g_error_handler(nullptr, msg);
}

// The runtime's scratch allocator installs itself as Halide's halide_malloc/halide_free
// (runtime/netc_scratch.c): kept here, so tests can allocate the way generated code does.
static halide_malloc_t g_halide_malloc = nullptr;
static halide_free_t g_halide_free = nullptr;
extern "C" halide_malloc_t halide_set_custom_malloc(halide_malloc_t f) {
    halide_malloc_t previous = g_halide_malloc;
    g_halide_malloc = f;
    return previous;
}
extern "C" halide_free_t halide_set_custom_free(halide_free_t f) {
    halide_free_t previous = g_halide_free;
    g_halide_free = f;
    return previous;
}
extern "C" void *halide_default_malloc(void *, size_t n) { return aligned_alloc(64, (n + 63) / 64 * 64); }
extern "C" void halide_default_free(void *, void *p) { free(p); }

// ---- helpers to read and write through halide_buffer_t ---------------------------------

static float &at(const halide_buffer_t *b, int c, int x, int y) {
    const halide_dimension_t *d = b->dim;
    int64_t i = (int64_t)(c - d[0].min) * d[0].stride + (int64_t)(x - d[1].min) * d[1].stride +
                (int64_t)(y - d[2].min) * d[2].stride;
    return reinterpret_cast<float *>(b->host)[i];
}

static bool is_plain_float_buffer(const halide_buffer_t *b) {
    return b->host && b->device == 0 && b->device_interface == nullptr && b->flags == 0 &&
           b->type.code == halide_type_float && b->type.bits == 32 && b->type.lanes == 1 &&
           b->dimensions == 3;
}

// Does b cover [x0, x1] x [y0, y1] (all channels of c_extent)?
static bool covers(const halide_buffer_t *b, int c_extent, int x0, int x1, int y0, int y1) {
    const halide_dimension_t *d = b->dim;
    return d[0].min == 0 && d[0].extent == c_extent && d[1].min <= x0 &&
           d[1].min + d[1].extent > x1 && d[2].min <= y0 && d[2].min + d[2].extent > y1;
}

// ---- the fake model "boxnet" -----------------------------------------------------------
// image [H=4, W=3, C=2], stored with a halo of 1 top, 1 left, 2 bottom, 3 right (the extra
//   rows and columns check that strides use the full width);
// box   = 3x3 box sum of image, reading the zero halo at the borders (an output);
// total = per channel, sum of box over x, y + 100 * image(c, 0, 0) (an output of shape {2};
//   it takes (box, image) in that order, so swapped arguments would show).

constexpr int C = 2, W = 3, H = 4;

static const halide_buffer_t *g_seen_image = nullptr; // views the stages were given
static const halide_buffer_t *g_seen_box_out = nullptr;
static int g_stage_calls = 0;

static int box_stage(void **args) {
    const halide_buffer_t *in = static_cast<const halide_buffer_t *>(args[0]);
    const halide_buffer_t *out = static_cast<const halide_buffer_t *>(args[1]);
    g_seen_image = in;
    g_seen_box_out = out;
    g_stage_calls++;
    if (!is_plain_float_buffer(in) || !is_plain_float_buffer(out)) {
        report_error("box3x3: unexpected buffer type or flags\n");
        return -1;
    }
    const halide_dimension_t *o = out->dim;
    int x0 = o[1].min, x1 = o[1].min + o[1].extent - 1;
    int y0 = o[2].min, y1 = o[2].min + o[2].extent - 1;
    // Like a Halide pipeline without a boundary condition: the input must cover the
    // output's footprint, halo included.
    if (!covers(in, o[0].extent, x0 - 1, x1 + 1, y0 - 1, y1 + 1)) {
        report_error("box3x3: input does not cover the footprint\n");
        return -2;
    }
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            for (int c = 0; c < o[0].extent; c++) {
                float sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) sum += at(in, c, x + dx, y + dy);
                at(out, c, x, y) = sum;
            }
    return 0;
}

static int total_stage(void **args) {
    const halide_buffer_t *box = static_cast<const halide_buffer_t *>(args[0]);
    const halide_buffer_t *image = static_cast<const halide_buffer_t *>(args[1]);
    const halide_buffer_t *out = static_cast<const halide_buffer_t *>(args[2]);
    g_stage_calls++;
    if (!is_plain_float_buffer(box) || !is_plain_float_buffer(image) ||
        !is_plain_float_buffer(out) || !covers(box, C, 0, W - 1, 0, H - 1) ||
        !covers(image, C, 0, 0, 0, 0) || !covers(out, C, 0, 0, 0, 0)) {
        report_error("total: unexpected buffers\n");
        return -1;
    }
    for (int c = 0; c < C; c++) {
        float sum = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) sum += at(box, c, x, y);
        at(out, c, 0, 0) = sum + 100 * at(image, c, 0, 0);
    }
    return 0;
}

static const float kMean[C] = {10.0f, 20.0f};
static const float kScale[C] = {0.5f, 0.25f};

static const netc_tensor_desc kBoxTensors[] = {
    // name, channels, width, height, pad top/left/bottom/right, offset
    {"image", C, W, H, 1, 1, 2, 3, 0},     // 2 * 7 * 7 floats = 392 bytes
    {"box", C, W, H, 0, 0, 0, 0, 448},     // 96 bytes
    {"total", C, 1, 1, 0, 0, 0, 0, 576},   // 8 bytes
};
static const int32_t kBoxInputs[] = {0};
static const int32_t kTotalInputs[] = {1, 0};
static const netc_stage_desc kBoxStages[] = {
    {"box3x3", box_stage, 1, kBoxInputs, 1},
    {"total", total_stage, 2, kTotalInputs, 2},
};
static const netc_io_desc kBoxModelInputs[] = {
    {{"image", 3, {H, W, C}, kMean, kScale}, 0},
};
static const netc_io_desc kBoxModelOutputs[] = {
    {{"box", 3, {H, W, C}, nullptr, nullptr}, 1},
    {{"total", 1, {C}, nullptr, nullptr}, 2},
};

static netc_model box_model() {
    netc_model m{};  // not a detector: detection NULL
    m.abi_version = NETC_ABI_VERSION;
    m.name = "boxnet";
    m.target = "host";
    m.arena_bytes = 640;
    m.num_tensors = 3;
    m.tensors = kBoxTensors;
    m.num_stages = 2;
    m.stages = kBoxStages;
    m.num_inputs = 1;
    m.inputs = kBoxModelInputs;
    m.num_outputs = 2;
    m.outputs = kBoxModelOutputs;
    m.batch = 1;
    return m;
}

// What boxnet computes, straight from the caller's HWC data.
struct Expected {
    std::vector<float> box = std::vector<float>(H * W * C);
    std::vector<float> total = std::vector<float>(C);
};

static Expected reference(const std::vector<float> &image) {
    Expected e;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++) {
                float sum = 0;
                for (int yy = y - 1; yy <= y + 1; yy++)
                    for (int xx = x - 1; xx <= x + 1; xx++)
                        if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                            sum += image[(yy * W + xx) * C + c];
                e.box[(y * W + x) * C + c] = sum;
                e.total[c] += sum;
            }
    for (int c = 0; c < C; c++) e.total[c] += 100 * image[c];
    return e;
}

static std::vector<float> test_image(float seed) {
    std::vector<float> v(H * W * C);
    for (size_t i = 0; i < v.size(); i++) v[i] = seed + (float)((i * 7) % 11) - 3.0f;
    return v;
}

// A session on boxnet plus caller-side tensors of the right shape.
class BoxNet : public ::testing::Test {
protected:
    void SetUp() override {
        model = box_model();
        g_stage_calls = 0;
        ASSERT_EQ(netc_session_create(&model, &session), NETC_OK);
        ASSERT_NE(session, nullptr);
        image = test_image(1.0f);
        input = {NETC_FLOAT32, 3, {H, W, C}, image.data()};
        outputs[0] = {NETC_FLOAT32, 3, {H, W, C}, box.data()};
        outputs[1] = {NETC_FLOAT32, 1, {C}, total.data()};
    }
    void TearDown() override { netc_session_destroy(session); }

    netc_status run() { return netc_run(session, &input, 1, outputs, 2); }

    void expect_outputs(const Expected &e) {
        for (size_t i = 0; i < box.size(); i++) EXPECT_FLOAT_EQ(box[i], e.box[i]) << "box " << i;
        for (int c = 0; c < C; c++) EXPECT_FLOAT_EQ(total[c], e.total[c]) << "total " << c;
    }

    // Expects run() to fail with `status` and a message containing each of `parts`.
    void expect_failure(netc_status status, std::initializer_list<const char *> parts) {
        EXPECT_EQ(run(), status);
        std::string msg = netc_session_error(session);
        for (const char *p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg;
    }

    netc_model model;
    netc_session *session = nullptr;
    std::vector<float> image, box = std::vector<float>(H * W * C), total = std::vector<float>(C);
    netc_tensor input;
    netc_tensor outputs[2];
};

// ---- tests -----------------------------------------------------------------------------

TEST(Model, Queries) {
    netc_model m = box_model();
    EXPECT_STREQ(netc_model_name(&m), "boxnet");
    EXPECT_STREQ(netc_model_target(&m), "host");
    EXPECT_EQ(netc_model_num_inputs(&m), 1);
    EXPECT_EQ(netc_model_num_outputs(&m), 2);
    EXPECT_EQ(netc_model_workspace_bytes(&m), 640);
    const netc_tensor_info *in = netc_model_input(&m, 0);
    ASSERT_NE(in, nullptr);
    EXPECT_STREQ(in->name, "image");
    EXPECT_EQ(in->rank, 3);
    EXPECT_EQ(in->shape[0], H);
    EXPECT_EQ(in->mean, kMean);
    const netc_tensor_info *out = netc_model_output(&m, 1);
    ASSERT_NE(out, nullptr);
    EXPECT_STREQ(out->name, "total");
    EXPECT_EQ(out->rank, 1);
    EXPECT_EQ(netc_model_input(&m, 1), nullptr);
    EXPECT_EQ(netc_model_input(&m, -1), nullptr);
    EXPECT_EQ(netc_model_output(&m, 2), nullptr);
}

TEST_F(BoxNet, ComputesBoxSumOverZeroHalo) {
    ASSERT_EQ(run(), NETC_OK) << netc_session_error(session);
    EXPECT_STREQ(netc_session_error(session), "");
    expect_outputs(reference(image));
}

TEST_F(BoxNet, ViewsDescribeHaloAndInterior) {
    ASSERT_EQ(run(), NETC_OK) << netc_session_error(session);
    // The input's full view: (c, x, y) from (0, -1, -1), 2 x 7 x 7, c innermost.
    const halide_dimension_t *d = g_seen_image->dim;
    EXPECT_EQ(d[0].min, 0);
    EXPECT_EQ(d[0].extent, C);
    EXPECT_EQ(d[0].stride, 1);
    EXPECT_EQ(d[1].min, -1);
    EXPECT_EQ(d[1].extent, 1 + W + 3);
    EXPECT_EQ(d[1].stride, C);
    EXPECT_EQ(d[2].min, -1);
    EXPECT_EQ(d[2].extent, 1 + H + 2);
    EXPECT_EQ(d[2].stride, C * 7);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(g_seen_image->host) % 64, 0u); // arena start
    // The box output's interior view: the tensor has no halo, so mins 0, dense strides.
    d = g_seen_box_out->dim;
    EXPECT_EQ(d[1].min, 0);
    EXPECT_EQ(d[1].extent, W);
    EXPECT_EQ(d[2].min, 0);
    EXPECT_EQ(d[2].extent, H);
    EXPECT_EQ(d[2].stride, C * W);
    EXPECT_EQ(g_seen_box_out->host, g_seen_image->host + 448);
    // The whole halo of the input is zero, and the interior holds the image.
    for (int y = -1; y < H + 2; y++)
        for (int x = -1; x < W + 3; x++)
            for (int c = 0; c < C; c++) {
                bool inside = x >= 0 && x < W && y >= 0 && y < H;
                float expected = inside ? image[(y * W + x) * C + c] : 0.0f;
                EXPECT_EQ(at(g_seen_image, c, x, y), expected) << c << "," << x << "," << y;
            }
}

TEST_F(BoxNet, Uint8InputIsNormalised) {
    std::vector<uint8_t> pixels(H * W * C);
    std::vector<float> normalised(pixels.size());
    for (size_t i = 0; i < pixels.size(); i++) {
        pixels[i] = (uint8_t)(i * 37 % 256);
        int c = (int)(i % C);
        normalised[i] = ((float)pixels[i] - kMean[c]) * kScale[c];
    }
    input = {NETC_UINT8, 3, {H, W, C}, pixels.data()};
    ASSERT_EQ(run(), NETC_OK) << netc_session_error(session);
    expect_outputs(reference(normalised));
}

TEST(BoxNetNoNormalisation, Uint8WithoutMeanAndScaleIsTakenAsIs) {
    netc_io_desc inputs[1] = {kBoxModelInputs[0]};
    inputs[0].info.mean = nullptr;
    inputs[0].info.scale = nullptr;
    netc_model m = box_model();
    m.inputs = inputs;
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    std::vector<uint8_t> pixels(H * W * C);
    std::vector<float> as_float(pixels.size());
    for (size_t i = 0; i < pixels.size(); i++) as_float[i] = pixels[i] = (uint8_t)(250 - i);
    std::vector<float> box(H * W * C), total(C);
    netc_tensor in = {NETC_UINT8, 3, {H, W, C}, pixels.data()};
    netc_tensor out[2] = {{NETC_FLOAT32, 3, {H, W, C}, box.data()},
                          {NETC_FLOAT32, 1, {C}, total.data()}};
    ASSERT_EQ(netc_run(s, &in, 1, out, 2), NETC_OK) << netc_session_error(s);
    Expected e = reference(as_float);
    for (size_t i = 0; i < box.size(); i++) EXPECT_FLOAT_EQ(box[i], e.box[i]);
    for (int c = 0; c < C; c++) EXPECT_FLOAT_EQ(total[c], e.total[c]);
    netc_session_destroy(s);
}

TEST_F(BoxNet, RunningAgainGivesIdenticalResults) {
    ASSERT_EQ(run(), NETC_OK);
    std::vector<float> box1 = box, total1 = total;
    std::fill(box.begin(), box.end(), -1.0f);
    std::fill(total.begin(), total.end(), -1.0f);
    ASSERT_EQ(run(), NETC_OK);
    EXPECT_EQ(box, box1); // bitwise: same inputs, same outputs
    EXPECT_EQ(total, total1);
    // A different input afterwards leaves nothing of the first run behind.
    image = test_image(-5.0f);
    input.data = image.data();
    ASSERT_EQ(run(), NETC_OK);
    expect_outputs(reference(image));
}

TEST_F(BoxNet, WrongNumberOfTensors) {
    EXPECT_EQ(netc_run(session, &input, 0, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("input"), std::string::npos);
    netc_tensor two_inputs[2] = {input, input};
    EXPECT_EQ(netc_run(session, two_inputs, 2, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(netc_run(session, &input, 1, outputs, 1), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("output"), std::string::npos);
    EXPECT_EQ(netc_run(session, &input, 1, outputs, 3), NETC_ERROR_INVALID_ARGUMENT);
}

TEST_F(BoxNet, NullArraysAndData) {
    EXPECT_EQ(netc_run(session, nullptr, 1, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(netc_run(session, &input, 1, nullptr, 2), NETC_ERROR_INVALID_ARGUMENT);
    input.data = nullptr;
    expect_failure(NETC_ERROR_INVALID_ARGUMENT, {"input 'image'", "NULL"});
    input.data = image.data();
    outputs[1].data = nullptr;
    expect_failure(NETC_ERROR_INVALID_ARGUMENT, {"output 'total'", "NULL"});
}

TEST_F(BoxNet, InputDimensionMismatchNamesTensorAndDimension) {
    input.shape[1] = 2;
    EXPECT_EQ(run(), NETC_ERROR_SHAPE);
    EXPECT_STREQ(netc_session_error(session),
                 "input 'image': dimension 1 is 2, the model expects 3 (shape [4, 3, 2])");
    input.shape[1] = W;
    for (int d = 0; d < 3; d++) {
        input.shape[d] += 1;
        std::string dim = "dimension " + std::to_string(d);
        expect_failure(NETC_ERROR_SHAPE, {"input 'image'", dim.c_str()});
        input.shape[d] -= 1;
    }
    EXPECT_EQ(run(), NETC_OK);
}

TEST_F(BoxNet, OutputDimensionMismatchNamesTensor) {
    outputs[0].shape[2] = 3;
    expect_failure(NETC_ERROR_SHAPE, {"output 'box'", "dimension 2 is 3", "expects 2"});
    outputs[0].shape[2] = C;
    outputs[1].shape[0] = 1000;
    expect_failure(NETC_ERROR_SHAPE, {"output 'total'", "dimension 0 is 1000", "[2]"});
}

TEST_F(BoxNet, RankMismatch) {
    input.rank = 2;
    expect_failure(NETC_ERROR_SHAPE, {"input 'image'", "rank is 2", "expects 3"});
    input.rank = 3;
    outputs[1] = {NETC_FLOAT32, 3, {1, 1, C}, total.data()}; // {1, 1, C} is not {C}
    expect_failure(NETC_ERROR_SHAPE, {"output 'total'", "rank is 3", "expects 1"});
}

TEST_F(BoxNet, DtypeMismatch) {
    input.dtype = (netc_dtype)7;
    expect_failure(NETC_ERROR_SHAPE, {"input 'image'", "dtype"});
    input.dtype = NETC_FLOAT32;
    outputs[0].dtype = NETC_UINT8; // outputs are always float
    expect_failure(NETC_ERROR_SHAPE, {"output 'box'", "dtype"});
}

TEST_F(BoxNet, FailedValidationWritesNoOutputAndSuccessClearsError) {
    std::fill(box.begin(), box.end(), 42.0f);
    input.shape[0] = 5;
    EXPECT_EQ(run(), NETC_ERROR_SHAPE);
    EXPECT_EQ(g_stage_calls, 0);
    for (float v : box) EXPECT_EQ(v, 42.0f);
    input.shape[0] = H;
    EXPECT_EQ(run(), NETC_OK);
    EXPECT_STREQ(netc_session_error(session), "");
}

TEST(Session, NullPointers) {
    netc_model m = box_model();
    netc_session *s = reinterpret_cast<netc_session *>(&m); // must be overwritten with NULL
    EXPECT_EQ(netc_session_create(nullptr, &s), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(s, nullptr);
    EXPECT_NE(std::string(netc_session_error(nullptr)).find("model is NULL"), std::string::npos)
        << netc_session_error(nullptr);
    EXPECT_EQ(netc_session_create(&m, nullptr), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(nullptr)).find("out is NULL"), std::string::npos)
        << netc_session_error(nullptr);
    // A call without a session leaves its message with the calling thread: NULL reads it.
    EXPECT_EQ(netc_run(nullptr, nullptr, 0, nullptr, 0), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(netc_session_error(nullptr), "netc_run: the session is NULL");
    netc_detection d[1];
    int32_t n = -1;
    EXPECT_EQ(netc_detect(nullptr, nullptr, 0, d, 1, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(n, 0);
    EXPECT_STREQ(netc_session_error(nullptr), "netc_detect: the session is NULL");
    double ms[2];
    netc_session_profile(nullptr, ms);
    EXPECT_STREQ(netc_session_error(nullptr), "netc_session_profile: the session is NULL");
    netc_session_destroy(nullptr);
    EXPECT_EQ(netc_model_name(nullptr), nullptr);
    EXPECT_EQ(netc_model_target(nullptr), nullptr);
    EXPECT_EQ(netc_model_num_inputs(nullptr), 0);
    EXPECT_EQ(netc_model_num_outputs(nullptr), 0);
    EXPECT_EQ(netc_model_num_stages(nullptr), 0);
    EXPECT_EQ(netc_model_workspace_bytes(nullptr), 0);
    EXPECT_EQ(netc_model_input(nullptr, 0), nullptr);
    EXPECT_EQ(netc_model_output(nullptr, 0), nullptr);
    EXPECT_EQ(netc_model_stage_name(nullptr, 0), nullptr);
    EXPECT_EQ(netc_model_detection(nullptr), nullptr);
    // A session created afterwards clears the message of the failed calls.
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    EXPECT_STREQ(netc_session_error(nullptr), "");
    netc_session_destroy(s);
}

// ---- misuse: every bad argument is an error status with a message, never a crash ---------

TEST_F(BoxNet, RankOutsideTheValidRange) {
    for (int32_t rank : {-1, NETC_MAX_RANK + 1, 1000, INT32_MIN}) {
        input.rank = rank;
        std::string text = "rank " + std::to_string(rank) + " is not valid";
        expect_failure(NETC_ERROR_SHAPE, {"input 'image'", text.c_str(), "expects 3"});
    }
    input.rank = 3;
    outputs[1].rank = -7;
    expect_failure(NETC_ERROR_SHAPE, {"output 'total'", "rank -7 is not valid"});
    outputs[1].rank = NETC_MAX_RANK; // valid, but not the model's
    expect_failure(NETC_ERROR_SHAPE, {"output 'total'", "rank is 4", "expects 1"});
    outputs[1].rank = 1;
    EXPECT_EQ(run(), NETC_OK) << netc_session_error(session);
}

TEST_F(BoxNet, DtypeOutsideTheEnum) {
    for (int dtype : {-1, 2, 255, INT32_MAX}) {
        input.dtype = (netc_dtype)dtype;
        std::string text = "dtype " + std::to_string(dtype);
        expect_failure(NETC_ERROR_SHAPE, {"input 'image'", text.c_str()});
        input.dtype = NETC_FLOAT32;
        outputs[1].dtype = (netc_dtype)dtype;
        expect_failure(NETC_ERROR_SHAPE, {"output 'total'", text.c_str(), "outputs are NETC_FLOAT32"});
        outputs[1].dtype = NETC_FLOAT32;
    }
    outputs[1].dtype = NETC_UINT8; // a valid dtype, for inputs only
    expect_failure(NETC_ERROR_SHAPE, {"output 'total'", "dtype 1"});
}

TEST_F(BoxNet, ExtremeDimensions) {
    for (int64_t v : {int64_t(0), int64_t(-1), INT64_MAX, INT64_MIN}) {
        input.shape[2] = v;
        expect_failure(NETC_ERROR_SHAPE, {"input 'image'", "dimension 2"});
    }
    input.shape[2] = C;
    outputs[0].shape[0] = INT64_MAX;
    expect_failure(NETC_ERROR_SHAPE, {"output 'box'", "dimension 0"});
}

TEST_F(BoxNet, NegativeAndMismatchedTensorCounts) {
    EXPECT_EQ(netc_run(session, &input, -1, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("got -1 input(s)"), std::string::npos) << netc_session_error(session);
    EXPECT_EQ(netc_run(session, &input, INT32_MIN, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(netc_run(session, &input, 1, outputs, -2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("got -2 output(s)"), std::string::npos) << netc_session_error(session);
    // NULL arrays: with the count the model has, and with a count of 0.
    EXPECT_EQ(netc_run(session, nullptr, 1, outputs, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("inputs array is NULL"), std::string::npos);
    EXPECT_EQ(netc_run(session, &input, 1, nullptr, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(session)).find("outputs array is NULL"), std::string::npos);
    EXPECT_EQ(netc_run(session, nullptr, 0, nullptr, 0), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(g_stage_calls, 0);
    EXPECT_EQ(run(), NETC_OK);
}

TEST_F(BoxNet, ProfileOnOffDoesNotDisturbRuns) {
    double ms[2] = {0, 0};
    netc_session_profile(session, ms);
    ASSERT_EQ(run(), NETC_OK);
    netc_session_profile(session, nullptr);
    EXPECT_STREQ(netc_session_error(session), "");
    expect_outputs(reference(image));
}

// Reading a destroyed session reads freed memory: AddressSanitizer rightly reports it, so the
// check (best effort, for release builds) is only exercised without sanitizers.
#ifndef NETC_SANITIZED
TEST(Session, DestroyedSessionIsRefused) {
    netc_model m = box_model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    netc_session_destroy(s);
    std::vector<float> image(H * W * C, 1.0f), box(H * W * C), total(C);
    netc_tensor in = {NETC_FLOAT32, 3, {H, W, C}, image.data()};
    netc_tensor out[2] = {{NETC_FLOAT32, 3, {H, W, C}, box.data()}, {NETC_FLOAT32, 1, {C}, total.data()}};
    g_stage_calls = 0;
    EXPECT_EQ(netc_run(s, &in, 1, out, 2), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(g_stage_calls, 0);
    EXPECT_STREQ(netc_session_error(s), "netc_run: the session was destroyed (or is not one netc_session_create made)");
    netc_detection d[1];
    int32_t n = -1;
    EXPECT_EQ(netc_detect(s, &in, 1, d, 1, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(n, 0);
    EXPECT_NE(std::string(netc_session_error(s)).find("netc_detect: the session was destroyed"), std::string::npos);
    double ms[2];
    netc_session_profile(s, ms);
    EXPECT_NE(std::string(netc_session_error(s)).find("netc_session_profile: the session was destroyed"), std::string::npos);
    netc_session_destroy(s); // a double destroy does nothing
    EXPECT_NE(std::string(netc_session_error(s)).find("already destroyed"), std::string::npos);
    EXPECT_EQ(g_stage_calls, 0);
}
#endif

// Not a session at all (a stray pointer): refused the same way, nothing written through it.
TEST(Session, ForeignPointerIsRefused) {
    alignas(64) unsigned char junk[4096];
    memset(junk, 0xab, sizeof junk);
    netc_session *s = reinterpret_cast<netc_session *>(junk);
    EXPECT_EQ(netc_run(s, nullptr, 0, nullptr, 0), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(s)).find("not one netc_session_create made"), std::string::npos);
    netc_session_profile(s, nullptr);
    netc_session_destroy(s);
    for (unsigned char c : junk) ASSERT_EQ(c, 0xab);
}

// A descriptor whose fields disagree: queries return 0 or NULL, netc_session_create refuses
// with a message (netc_session_error(NULL)), nothing crashes.
static void expect_create_refused(const netc_model &m, netc_status status, const char *part) {
    netc_session *s = reinterpret_cast<netc_session *>(0x1);
    EXPECT_EQ(netc_session_create(&m, &s), status) << part;
    EXPECT_EQ(s, nullptr);
    std::string msg = netc_session_error(nullptr);
    EXPECT_NE(msg.find(part), std::string::npos) << msg;
}

TEST(Model, InconsistentFieldsGiveNoAnswersAndNoSession) {
    netc_model m = box_model();
    m.inputs = nullptr; // one input, no table
    EXPECT_EQ(netc_model_num_inputs(&m), 0);
    EXPECT_EQ(netc_model_input(&m, 0), nullptr);
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "NULL table");

    m = box_model();
    m.outputs = nullptr;
    EXPECT_EQ(netc_model_num_outputs(&m), 0);
    EXPECT_EQ(netc_model_output(&m, 1), nullptr);
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "NULL table");

    m = box_model();
    m.stages = nullptr;
    EXPECT_EQ(netc_model_num_stages(&m), 0);
    EXPECT_EQ(netc_model_stage_name(&m, 0), nullptr);
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "NULL table");

    m = box_model();
    m.tensors = nullptr;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "NULL table");

    m = box_model();
    m.num_outputs = -3;
    EXPECT_EQ(netc_model_num_outputs(&m), 0);
    EXPECT_EQ(netc_model_output(&m, 0), nullptr);
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "negative count");

    m = box_model();
    m.arena_bytes = -640;
    EXPECT_EQ(netc_model_workspace_bytes(&m), 0);
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "negative size");

    m = box_model();
    m.scratch_bytes = -1;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "negative size");

    // A stage with inputs but no index table, a stage without a function.
    netc_stage_desc stages[2] = {kBoxStages[0], kBoxStages[1]};
    stages[1].inputs = nullptr;
    m = box_model();
    m.stages = stages;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "stage 1 ('total')");
    stages[1] = kBoxStages[1];
    stages[0].fn = nullptr;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "stage 0 ('box3x3')");

    // Dimensions whose byte count overflows 64 bits, an offset beyond the arena.
    netc_tensor_desc tensors[3] = {kBoxTensors[0], kBoxTensors[1], kBoxTensors[2]};
    tensors[1].channels = tensors[1].width = tensors[1].height = INT32_MAX;
    tensors[1].pad_left = tensors[1].pad_right = tensors[1].pad_top = tensors[1].pad_bottom = INT32_MAX;
    m = box_model();
    m.tensors = tensors;
    m.arena_bytes = INT64_MAX;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "tensor 1 ('box') does not fit");
    tensors[1] = kBoxTensors[1];
    tensors[2].offset = INT64_MAX - 63;
    m.arena_bytes = 640;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "tensor 2 ('total') does not fit");

    // An io rank the runtime cannot hold.
    netc_io_desc outputs[2] = {kBoxModelOutputs[0], kBoxModelOutputs[1]};
    outputs[1].info.rank = NETC_MAX_RANK + 1;
    m = box_model();
    m.outputs = outputs;
    expect_create_refused(m, NETC_ERROR_INVALID_ARGUMENT, "output 1 ('total')");
}

TEST(Model, OtherAbiVersionIsOnlyNamed) {
    netc_model m = box_model();
    m.abi_version = NETC_ABI_VERSION - 1;
    EXPECT_STREQ(netc_model_name(&m), "boxnet"); // so an application can say which model
    EXPECT_STREQ(netc_model_target(&m), "host");
    EXPECT_EQ(netc_model_num_inputs(&m), 0);
    EXPECT_EQ(netc_model_input(&m, 0), nullptr);
    EXPECT_EQ(netc_model_num_outputs(&m), 0);
    EXPECT_EQ(netc_model_num_stages(&m), 0);
    EXPECT_EQ(netc_model_workspace_bytes(&m), 0);
    EXPECT_EQ(netc_model_detection(&m), nullptr);
    std::string abi = "runtime ABI " + std::to_string(NETC_ABI_VERSION - 1);
    expect_create_refused(m, NETC_ERROR_ABI, abi.c_str());
}

TEST(Session, AbiMismatch) {
    netc_model m = box_model();
    m.abi_version = NETC_ABI_VERSION + 1;
    netc_session *s = nullptr;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_ABI);
    EXPECT_EQ(s, nullptr);
}

TEST(Session, InconsistentDescriptorIsRejected) {
    netc_model m = box_model();
    m.arena_bytes = 584; // exactly up to the end of "total"
    netc_session *s = nullptr;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_OK);
    netc_session_destroy(s);
    m.arena_bytes = 580; // "total" (576 + 8 bytes) no longer fits
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(s, nullptr);
    // An output whose shape disagrees with its tensor.
    netc_io_desc outputs[2] = {kBoxModelOutputs[0], kBoxModelOutputs[1]};
    outputs[1].info.shape[0] = 3;
    m = box_model();
    m.outputs = outputs;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
}

// ---- a fake detector --------------------------------------------------------------------
// input x: 6 values (1x1x6); stage "boxes" copies x[0..3] (one prior's encodings), stage
// "scores" copies x[4..5] (background, class 1). One table anchor, TF coding.

static int copy_stage(void **args, int first, int count) {
    const halide_buffer_t *in = static_cast<const halide_buffer_t *>(args[0]);
    const halide_buffer_t *out = static_cast<const halide_buffer_t *>(args[1]);
    for (int c = 0; c < count; c++) at(out, c, 0, 0) = at(in, first + c, 0, 0);
    return 0;
}
static int boxes_stage(void **args) { return copy_stage(args, 0, 4); }
static int scores_stage(void **args) { return copy_stage(args, 4, 2); }

static const float kAnchor[] = {0.5f, 0.5f, 0.2f, 0.4f};  // ycenter, xcenter, height, width

static netc_detection_config one_anchor_config() {
    netc_detection_config c{};
    c.priors = NETC_PRIORS_TABLE;
    c.num_table_anchors = 1;
    c.anchor_table = kAnchor;
    c.coding = NETC_CODING_TF;
    for (float &v : c.variances) v = 1.0f;
    c.num_classes = 2;
    c.background_class = 0;
    c.score_converter = NETC_SCORES_AS_IS;
    c.nms = NETC_NMS_PER_CLASS;
    c.score_threshold = 0.5f;
    c.iou_threshold = 0.5f;
    c.max_detections = 10;
    return c;
}

struct FakeDetector {
    netc_tensor_desc tensors[3] = {{"x", 6, 1, 1, 0, 0, 0, 0, 0}, {"boxes", 4, 1, 1, 0, 0, 0, 0, 64},
                                   {"scores", 2, 1, 1, 0, 0, 0, 0, 128}};
    int32_t stage_inputs[1] = {0};
    netc_stage_desc stages[2] = {{"boxes", boxes_stage, 1, stage_inputs, 1}, {"scores", scores_stage, 1, stage_inputs, 2}};
    netc_io_desc inputs[1] = {{{"x", 1, {6}, nullptr, nullptr}, 0}};
    netc_io_desc outputs[2] = {{{"boxes", 1, {4}, nullptr, nullptr}, 1}, {{"scores", 1, {2}, nullptr, nullptr}, 2}};
    netc_detection_config config = one_anchor_config();
    netc_model model() const {
        return {NETC_ABI_VERSION, "detector", "host", 192, 0, 3, tensors, 2, stages, 1, inputs, 2, outputs, &config, 0, 1, 1, 0};
    }
};

TEST(Profile, StageTimesAccumulatePerStage) {
    netc_model m = box_model();
    ASSERT_EQ(netc_model_num_stages(&m), 2);
    EXPECT_STREQ(netc_model_stage_name(&m, 0), "box3x3");
    EXPECT_STREQ(netc_model_stage_name(&m, 1), "total");
    EXPECT_EQ(netc_model_stage_name(&m, 2), nullptr);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    std::vector<float> image(H * W * C, 1.0f), box(H * W * C), total(C);
    netc_tensor in = {NETC_FLOAT32, 3, {H, W, C}, image.data()};
    netc_tensor out[2] = {{NETC_FLOAT32, 3, {H, W, C}, box.data()}, {NETC_FLOAT32, 1, {C}, total.data()}};
    double ms[2] = {-1, -1};
    netc_session_profile(s, ms);
    ms[0] = ms[1] = 0;
    for (int i = 0; i < 3; i++) ASSERT_EQ(netc_run(s, &in, 1, out, 2), NETC_OK);
    EXPECT_GT(ms[0], 0.0);  // each stage took some nanoseconds, three times
    EXPECT_GT(ms[1], 0.0);
    EXPECT_LT(ms[0] + ms[1], 1000.0);  // milliseconds, not nanoseconds
    netc_session_profile(s, nullptr);  // off: nothing written any more
    const double before[2] = {ms[0], ms[1]};
    ASSERT_EQ(netc_run(s, &in, 1, out, 2), NETC_OK);
    EXPECT_EQ(ms[0], before[0]);
    EXPECT_EQ(ms[1], before[1]);
    netc_session_destroy(s);
}

TEST(Detect, RunsTheModelThenDecodes) {
    FakeDetector f;
    netc_model m = f.model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    EXPECT_EQ(netc_model_detection(&m), &f.config);
    // Encodings (dy, dx, dh, dw) = (0.5, 0, 0, ln 2) with variances 1: centre y 0.5 + 0.5*0.2 = 0.6,
    // x 0.5; height 0.2, width 0.4 * 2 = 0.8 -> corners (0.5, 0.1, 0.7, 0.9). Scores: background 0.2,
    // class 1 0.8 > 0.5.
    float x[6] = {0.5f, 0.0f, 0.0f, 0.69314718f, 0.2f, 0.8f};
    netc_tensor in = {NETC_FLOAT32, 1, {6}, x};
    netc_detection d[4];
    int32_t n = -1;
#ifdef NETC_COUNT_ALLOCATIONS
    long before = g_allocations.load();
#endif
    ASSERT_EQ(netc_detect(s, &in, 1, d, 4, &n), NETC_OK) << netc_session_error(s);
#ifdef NETC_COUNT_ALLOCATIONS
    EXPECT_EQ(g_allocations.load(), before);  // like netc_run, nothing allocated per call
#endif
    ASSERT_EQ(n, 1);
    EXPECT_EQ(d[0].class_id, 1);
    EXPECT_EQ(d[0].prior, 0);
    EXPECT_FLOAT_EQ(d[0].score, 0.8f);
    EXPECT_NEAR(d[0].ymin, 0.5f, 1e-6);
    EXPECT_NEAR(d[0].xmin, 0.1f, 1e-6);
    EXPECT_NEAR(d[0].ymax, 0.7f, 1e-6);
    EXPECT_NEAR(d[0].xmax, 0.9f, 1e-6);
    // Below the threshold: nothing.
    x[5] = 0.4f;
    ASSERT_EQ(netc_detect(s, &in, 1, d, 4, &n), NETC_OK);
    EXPECT_EQ(n, 0);
    // Bad arguments are errors, not crashes.
    EXPECT_EQ(netc_detect(s, &in, 1, nullptr, 4, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(netc_session_error(s), "netc_detect: out is NULL");
    EXPECT_EQ(netc_detect(s, &in, 1, d, 4, nullptr), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(netc_session_error(s), "netc_detect: num_out is NULL");
    for (int32_t max_out : {-1, INT32_MIN}) {
        n = -1;
        EXPECT_EQ(netc_detect(s, &in, 1, d, max_out, &n), NETC_ERROR_INVALID_ARGUMENT);
        EXPECT_EQ(n, 0);
        EXPECT_STREQ(netc_session_error(s), "netc_detect: max_out is negative");
    }
    EXPECT_EQ(netc_detect(s, nullptr, 1, d, 4, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(netc_detect(s, &in, 0, d, 4, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(netc_detect(s, &in, -1, d, 4, &n), NETC_ERROR_INVALID_ARGUMENT);
    netc_tensor no_data = {NETC_FLOAT32, 1, {6}, nullptr};
    EXPECT_EQ(netc_detect(s, &no_data, 1, d, 4, &n), NETC_ERROR_INVALID_ARGUMENT);
    netc_tensor bad_rank = {NETC_FLOAT32, 9, {6}, x};
    EXPECT_EQ(netc_detect(s, &bad_rank, 1, d, 4, &n), NETC_ERROR_SHAPE);
    // max_out larger than what is found is fine: only what is found is written (out needs room
    // for the config's max_detections at most). Zero with no array counts nothing.
    x[5] = 0.8f;
    std::vector<netc_detection> room(f.config.max_detections);
    n = -1;
    ASSERT_EQ(netc_detect(s, &in, 1, room.data(), INT32_MAX, &n), NETC_OK) << netc_session_error(s);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(netc_detect(s, &in, 1, nullptr, 0, &n), NETC_OK);
    EXPECT_EQ(n, 0);
    netc_tensor wrong = {NETC_FLOAT32, 1, {5}, x};
    EXPECT_EQ(netc_detect(s, &wrong, 1, d, 4, &n), NETC_ERROR_SHAPE);
    EXPECT_NE(std::string(netc_session_error(s)).find("'x'"), std::string::npos) << netc_session_error(s);
    netc_session_destroy(s);
}

TEST(Detect, InconsistentDetectorIsRejected) {
    FakeDetector f;
    f.config.num_classes = 3;  // the scores output holds 2 values for its one prior
    netc_model m = f.model();
    netc_session *s = nullptr;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(s, nullptr);
    f.config.num_classes = 2;
    m = f.model();
    m.detection_scores = 2;  // there are two outputs
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
}

TEST(Detect, ClassifierIsNotADetector) {
    netc_model m = box_model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    EXPECT_EQ(netc_model_detection(&m), nullptr);
    netc_detection d[1];
    int32_t n = -1;
    EXPECT_EQ(netc_detect(s, nullptr, 0, d, 1, &n), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(s)).find("not a detector"), std::string::npos) << netc_session_error(s);
    EXPECT_EQ(n, 0);
    netc_session_destroy(s);
}

// A model whose only stage fails the way a Halide pipeline does.
static int failing_stage(void **) {
    report_error("Input buffer x is accessed at 9, which is beyond the max (8) in dimension 1\n");
    return -27;
}

TEST(Session, StageErrorIsReportedWithHalideText) {
    static const netc_tensor_desc tensors[] = {{"x", 1, 1, 1, 0, 0, 0, 0, 0},
                                               {"y", 1, 1, 1, 0, 0, 0, 0, 64}};
    static const int32_t stage_inputs[] = {0};
    static const netc_stage_desc stages[] = {{"conv_explodes", failing_stage, 1, stage_inputs, 1}};
    static const netc_io_desc inputs[] = {{{"x", 1, {1}, nullptr, nullptr}, 0}};
    static const netc_io_desc outputs[] = {{{"y", 1, {1}, nullptr, nullptr}, 1}};
    netc_model m = {NETC_ABI_VERSION, "failing", "host", 128, 0, 2, tensors, 1, stages,
                    1, inputs, 1, outputs, nullptr, -1, -1, 1, 0};
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    float x = 1, y = 0;
    netc_tensor in = {NETC_FLOAT32, 1, {1}, &x};
    netc_tensor out = {NETC_FLOAT32, 1, {1}, &y};
    EXPECT_EQ(netc_run(s, &in, 1, &out, 1), NETC_ERROR_EXECUTION);
    std::string msg = netc_session_error(s);
    EXPECT_NE(msg.find("conv_explodes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("-27"), std::string::npos) << msg;
    EXPECT_NE(msg.find("beyond the max (8) in dimension 1"), std::string::npos) << msg;
    EXPECT_EQ(msg.back(), '1') << "trailing newline kept: " << msg;
    netc_session_destroy(s);
}

// The CPUs the calling thread may run on, counted here rather than by the code under test.
static int cpus_in_affinity_mask() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

TEST(Runtime, SetNumThreads) {
    netc_set_num_threads(3);
    EXPECT_EQ(g_num_threads, 3);
    EXPECT_EQ(netc_num_threads(), 3);
    EXPECT_EQ(netc_set_num_threads(0), 3); // returns the previous setting
    EXPECT_EQ(g_num_threads, cpus_in_affinity_mask());
    EXPECT_EQ(netc_num_threads(), cpus_in_affinity_mask());
}

// Runs `body` with the calling thread (and the threads it starts) on CPU `cpu` only.
template <typename F>
static void on_one_cpu(int cpu, F body) {
    cpu_set_t all, one;
    ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    body();
    sched_setaffinity(0, sizeof all, &all);
}

static int first_cpu() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) return c;
    return 0;
}

// The default follows the affinity mask (taskset, a container's cpuset), not the machine.
TEST(Runtime, DefaultThreadsAreTheCpusTheProcessMayRunOn) {
    on_one_cpu(first_cpu(), [] {
        netc_set_num_threads(0);
        EXPECT_EQ(netc_num_threads(), 1);
    });
    netc_set_num_threads(0);
    EXPECT_EQ(netc_num_threads(), cpus_in_affinity_mask());
}

// ---- the worker pool (runtime/netc_threads.c) -----------------------------------------

// Runs `extent` iterations of `task` through the installed do_par_for, as generated code does,
// inside an "inference" (workers spinning).
static int par_for(int threads, halide_task_t task, int extent, void *closure) {
    netc_pool_set_threads(threads);
    netc_pool_enter();  // starts the workers and installs the pool
    EXPECT_NE(g_do_par_for, nullptr) << "the pool was not installed as Halide's do_par_for";
    int r = g_do_par_for ? g_do_par_for(nullptr, task, 0, extent, static_cast<uint8_t *>(closure)) : -100;
    netc_pool_leave();
    return r;
}

static int count_task(void *, int i, uint8_t *closure) {
    reinterpret_cast<std::atomic<int> *>(closure)[i]++;
    return 0;
}

TEST(Pool, RunsEveryIterationExactlyOnce) {
    for (int threads : {1, 2, 4, 2}) {  // and after the worker count changed
        std::vector<std::atomic<int>> counts(20000);
        ASSERT_EQ(par_for(threads, count_task, int(counts.size()), counts.data()), 0);
        for (size_t i = 0; i < counts.size(); i++) ASSERT_EQ(counts[i].load(), 1) << "iteration " << i << ", " << threads << " threads";
    }
}

struct Meeting {
    std::atomic<int> arrived{0};
    std::atomic<long> threads_seen{0};
};
// Every iteration waits (up to 2 s) until two iterations are running at once: only true if
// a worker took part.
static int meet_task(void *, int, uint8_t *closure) {
    Meeting *m = reinterpret_cast<Meeting *>(closure);
    m->arrived++;
    for (int spin = 0; spin < 2000 && m->arrived.load() < 2; spin++) usleep(1000);
    return 0;
}

TEST(Pool, WorkersTakePart) {
    Meeting m;
    ASSERT_EQ(par_for(2, meet_task, 2, &m), 0);
    EXPECT_EQ(m.arrived.load(), 2);
}

static int failing_task(void *, int i, uint8_t *) { return i == 123 ? -7 : 0; }

TEST(Pool, ReportsATaskError) { EXPECT_EQ(par_for(2, failing_task, 1000, nullptr), -7); }

static int nested_task(void *, int i, uint8_t *closure) {
    // A parallel loop inside a parallel loop runs on the calling thread.
    auto *counts = reinterpret_cast<std::atomic<int> *>(closure);
    return g_do_par_for(nullptr, count_task, i * 10, 10, reinterpret_cast<uint8_t *>(counts));
}

// More threads than CPUs: the workers and the calling thread share one CPU, so a thread
// waiting in a spin loop must let the one it waits for run (it yields). Correctness here;
// the speed is a benchmark figure (2 threads on 1 CPU: MobileNetV3-Small 504 ms -> 2.8 ms).
TEST(Pool, MoreThreadsThanCpus) {
    on_one_cpu(first_cpu(), [] {
        for (int loop = 0; loop < 300; loop++) {
            std::vector<std::atomic<int>> counts(64);
            ASSERT_EQ(par_for(loop == 0 ? 3 : 4, count_task, int(counts.size()), counts.data()), 0);  // workers restarted on this CPU
            for (size_t i = 0; i < counts.size(); i++) ASSERT_EQ(counts[i].load(), 1) << "loop " << loop << ", iteration " << i;
        }
    });
    netc_pool_set_threads(0);
}

TEST(Pool, NestedLoopsRunOnTheCallingThread) {
    std::vector<std::atomic<int>> counts(1000);
    ASSERT_EQ(par_for(2, nested_task, 100, counts.data()), 0);
    for (size_t i = 0; i < counts.size(); i++) ASSERT_EQ(counts[i].load(), 1) << i;
}

// ---- the scratch allocator (runtime/netc_scratch.c) -------------------------------------

static bool aligned64(void *p) { return reinterpret_cast<uintptr_t>(p) % 64 == 0; }

TEST(Scratch, InstallsItselfAsHalidesAllocator) {
    ASSERT_EQ(netc_scratch_reserve(1 << 20), 0);
    ASSERT_NE(g_halide_malloc, nullptr);
    ASSERT_NE(g_halide_free, nullptr);
    EXPECT_NE(g_halide_malloc, halide_default_malloc);
}

#ifdef NETC_COUNT_ALLOCATIONS
TEST(Scratch, NestedTemporariesComeFromTheRegion) {
    ASSERT_EQ(netc_scratch_reserve(1 << 20), 0);
    const long before = g_allocations.load();
    for (int round = 0; round < 3; round++) {
        // As Halide allocates: nested, freed in reverse order.
        char *a = static_cast<char *>(g_halide_malloc(nullptr, 100000));
        char *b = static_cast<char *>(g_halide_malloc(nullptr, 33));
        char *c = static_cast<char *>(g_halide_malloc(nullptr, 200000));
        ASSERT_TRUE(a && b && c);
        EXPECT_TRUE(aligned64(a) && aligned64(b) && aligned64(c));
        EXPECT_GE(b, a + 100000);  // no overlap
        EXPECT_GE(c, b + 33);
        memset(a, 1, 100000);
        memset(b, 2, 33);
        memset(c, 3, 200000);
        EXPECT_EQ(a[99999], 1);
        EXPECT_EQ(b[32], 2);
        g_halide_free(nullptr, c);
        g_halide_free(nullptr, b);
        g_halide_free(nullptr, a);
    }
    EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(Scratch, BlocksFreedOutOfOrderAreReused) {
    ASSERT_EQ(netc_scratch_reserve(1 << 20), 0);
    const long before = g_allocations.load();
    void *a = g_halide_malloc(nullptr, 4096), *b = g_halide_malloc(nullptr, 4096);
    g_halide_free(nullptr, a);  // not the top: kept until b goes
    g_halide_free(nullptr, b);
    void *again = g_halide_malloc(nullptr, 4096);
    EXPECT_EQ(again, a) << "the region was not emptied";
    g_halide_free(nullptr, again);
    EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(Scratch, ATooLargeRequestGoesToTheHeapThenTheRegionGrows) {
    ASSERT_EQ(netc_scratch_reserve(1 << 20), 0);
    const size_t big = size_t(48) << 20;  // more than any reservation before
    const long before = g_allocations.load();
    char *p = static_cast<char *>(g_halide_malloc(nullptr, big));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(aligned64(p));
    p[big - 1] = 1;
    g_halide_free(nullptr, p);
    EXPECT_GE(g_allocations.load() - before, 1);
    p = static_cast<char *>(g_halide_malloc(nullptr, big));  // the region grows, once
    g_halide_free(nullptr, p);
    const long grown = g_allocations.load();
    p = static_cast<char *>(g_halide_malloc(nullptr, big));
    p[big - 1] = 2;
    g_halide_free(nullptr, p);
    EXPECT_EQ(g_allocations.load() - grown, 0);
}

// A parallel loop's tasks allocate on the workers' threads: each has its own region.
static int allocating_task(void *, int i, uint8_t *) {
    char *p = static_cast<char *>(g_halide_malloc(nullptr, 50000));
    if (!p) return -1;
    memset(p, i & 0xff, 50000);
    int bad = p[49999] != char(i & 0xff);
    g_halide_free(nullptr, p);
    return bad ? -2 : 0;
}

TEST(Scratch, WorkersAllocateWithoutTheHeapAfterTheFirstLoop) {
    ASSERT_EQ(netc_scratch_reserve(1 << 20), 0);
    ASSERT_EQ(par_for(2, allocating_task, 1000, nullptr), 0);
    const long before = g_allocations.load();
    for (int i = 0; i < 5; i++) ASSERT_EQ(par_for(2, allocating_task, 1000, nullptr), 0);
    EXPECT_EQ(g_allocations.load() - before, 0);
}
#endif

TEST(Runtime, StatusStrings) {
    std::vector<std::string> seen;
    for (int st = NETC_OK; st <= NETC_ERROR_BUSY; st++) {
        std::string text = netc_status_string((netc_status)st);
        EXPECT_FALSE(text.empty());
        for (const std::string &other : seen) EXPECT_NE(text, other);
        seen.push_back(text);
    }
    EXPECT_EQ(NETC_ERROR_ABI, 5); // existing values keep their numbers (ABI)
    EXPECT_EQ(NETC_ERROR_BUSY, 6);
    EXPECT_STREQ(netc_status_string((netc_status)7), "unknown status");
    EXPECT_STREQ(netc_status_string((netc_status)-1), "unknown status");
}

#ifdef NETC_COUNT_ALLOCATIONS
TEST_F(BoxNet, RunDoesNotAllocate) {
    // The counter must see the runtime's own allocations, or this test proves nothing.
    long before_create = g_allocations.load();
    netc_session *other = nullptr;
    ASSERT_EQ(netc_session_create(&model, &other), NETC_OK);
    EXPECT_GE(g_allocations.load() - before_create, 2) << "allocation counting does not work";
    netc_session_destroy(other);

    ASSERT_EQ(run(), NETC_OK); // the first run may set up thread-local storage
    long before = g_allocations.load();
    for (int i = 0; i < 100; i++)
        if (run() != NETC_OK) FAIL() << netc_session_error(session);
    EXPECT_EQ(g_allocations.load() - before, 0);
    expect_outputs(reference(image));
}
#endif

// ---- layout and batch (netc compile --layout nchw --batch N) ------------------------------

namespace {

// boxnet's descriptor as `--layout nchw --batch 3` writes it: every shape leads with N, the
// images channels first (the total, a vector, is the same in both layouts).
const netc_io_desc kNchwInputs[] = {{{"image", 4, {3, C, H, W}, kMean, kScale, NETC_LAYOUT_NCHW}, 0}};
const netc_io_desc kNchwOutputs[] = {{{"box", 4, {3, C, H, W}, nullptr, nullptr, NETC_LAYOUT_NCHW}, 1},
                                     {{"total", 2, {3, C}, nullptr, nullptr, NETC_LAYOUT_NHWC}, 2}};

netc_model nchw_batch_model() {
    netc_model m = box_model();
    m.inputs = kNchwInputs;
    m.outputs = kNchwOutputs;
    m.batch = 3;
    m.leading_batch = 1;
    return m;
}

std::vector<float> hwc_to_chw_image(const std::vector<float> &v) {
    std::vector<float> out(v.size());
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++) out[size_t((c * H + y) * W + x)] = v[size_t((y * W + x) * C + c)];
    return out;
}

}  // namespace

// Three different items in the caller's NCHW order: each comes back, channels first, equal to
// the hand-computed reference of that item (so neither the transposition nor the item offsets
// can be wrong unnoticed).
TEST(RuntimeLayout, NchwBatchOfThreeItemsEachAsAlone) {
    const netc_model m = nchw_batch_model();
    EXPECT_EQ(netc_model_batch(&m), 3);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK) << netc_session_error(nullptr);
    std::vector<float> in, box(size_t(3 * H * W * C)), total(size_t(3 * C));
    std::vector<Expected> want;
    for (int b = 0; b < 3; b++) {
        const std::vector<float> item = test_image(float(b) * 5.0f - 2.0f);
        want.push_back(reference(item));
        const std::vector<float> chw = hwc_to_chw_image(item);
        in.insert(in.end(), chw.begin(), chw.end());
    }
    netc_tensor input = {NETC_FLOAT32, 4, {3, C, H, W}, in.data()};
    netc_tensor outputs[2] = {{NETC_FLOAT32, 4, {3, C, H, W}, box.data()}, {NETC_FLOAT32, 2, {3, C}, total.data()}};
    ASSERT_EQ(netc_run(s, &input, 1, outputs, 2), NETC_OK) << netc_session_error(s);
    for (int b = 0; b < 3; b++) {
        const std::vector<float> box_chw = hwc_to_chw_image(want[size_t(b)].box);
        for (size_t i = 0; i < box_chw.size(); i++) EXPECT_FLOAT_EQ(box[size_t(b) * box_chw.size() + i], box_chw[i]) << "item " << b << " box " << i;
        for (int c = 0; c < C; c++) EXPECT_FLOAT_EQ(total[size_t(b * C + c)], want[size_t(b)].total[size_t(c)]) << "item " << b;
    }
    // The single-item channels-last shape is refused, naming the one expected.
    netc_tensor hwc = {NETC_FLOAT32, 3, {H, W, C}, in.data()};
    EXPECT_EQ(netc_run(s, &hwc, 1, outputs, 2), NETC_ERROR_SHAPE);
    EXPECT_NE(std::string(netc_session_error(s)).find("[3, 2, 4, 3]"), std::string::npos) << netc_session_error(s);
    netc_session_destroy(s);
}

// uint8 pixels in NCHW are normalised per channel after the transposition (channel c's mean).
TEST(RuntimeLayout, NchwUint8IsNormalisedPerChannel) {
    const netc_model m = nchw_batch_model();
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(&m, &s), NETC_OK);
    std::vector<uint8_t> pixels(size_t(3 * C * H * W));
    std::vector<float> as_float(pixels.size()), box(pixels.size()), total(size_t(3 * C)), want_box(pixels.size()), want_total(total.size());
    for (size_t i = 0; i < pixels.size(); i++) pixels[i] = uint8_t((i * 37) % 251);
    // The same pixels normalised by hand (channel = (i / (H*W)) % C in NCHW), as float input.
    for (size_t i = 0; i < pixels.size(); i++) {
        const int c = int(i / size_t(H * W)) % C;
        as_float[i] = (float(pixels[i]) - kMean[c]) * kScale[c];
    }
    netc_tensor outputs[2] = {{NETC_FLOAT32, 4, {3, C, H, W}, want_box.data()}, {NETC_FLOAT32, 2, {3, C}, want_total.data()}};
    netc_tensor fin = {NETC_FLOAT32, 4, {3, C, H, W}, as_float.data()};
    ASSERT_EQ(netc_run(s, &fin, 1, outputs, 2), NETC_OK);
    outputs[0].data = box.data(), outputs[1].data = total.data();
    netc_tensor u8 = {NETC_UINT8, 4, {3, C, H, W}, pixels.data()};
    ASSERT_EQ(netc_run(s, &u8, 1, outputs, 2), NETC_OK) << netc_session_error(s);
    for (size_t i = 0; i < box.size(); i++) EXPECT_FLOAT_EQ(box[i], want_box[i]) << i;
    netc_session_destroy(s);
}

// A descriptor with a batch but no batch dimension, or a batch of 0, is refused at create.
TEST(RuntimeLayout, InconsistentBatchIsRefused) {
    netc_model m = nchw_batch_model();
    m.leading_batch = 0;
    netc_session *s = nullptr;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
    m = box_model();
    m.batch = 0;
    EXPECT_EQ(netc_session_create(&m, &s), NETC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(netc_session_error(nullptr)).find("a batch of 0"), std::string::npos) << netc_session_error(nullptr);
}
