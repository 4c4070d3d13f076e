// The runtime under threads (runtime/netc.c, netc_threads.c): sessions running on several
// threads at once, and one session misused by several threads (netc.h, "Threads").
//
// Built twice (tests/runtime_threads_tests.cmake): test_runtime_threads links the runtime
// library; test_runtime_threads_tsan compiles the runtime's sources and this file with
// -fsanitize=thread, and any report of ThreadSanitizer fails it.
//
// Like tests/test_runtime.cpp it links no Halide runtime: the Halide functions the runtime
// calls are defined here (atomically: sessions are created and run on several threads). The
// fake model's first stage runs its rows through the parallel-loop function the runtime
// installs (its worker pool), as generated code does, so the pool is exercised as well.

#include "netc.h"
#include "netc_model.h"

#include "HalideRuntime.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

// ---- stand-ins for the Halide runtime --------------------------------------------------

static std::atomic<halide_error_handler_t> g_error_handler{nullptr};
static std::atomic<int> g_num_threads{0};
static std::atomic<halide_do_par_for_t> g_do_par_for{nullptr};
static std::atomic<halide_malloc_t> g_halide_malloc{nullptr};
static std::atomic<halide_free_t> g_halide_free{nullptr};

extern "C" halide_error_handler_t halide_set_error_handler(halide_error_handler_t handler) {
    return g_error_handler.exchange(handler);
}
extern "C" int halide_set_num_threads(int n) { return g_num_threads.exchange(n); }
extern "C" halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t f) {
    return g_do_par_for.exchange(f);
}
extern "C" halide_malloc_t halide_set_custom_malloc(halide_malloc_t f) { return g_halide_malloc.exchange(f); }
extern "C" halide_free_t halide_set_custom_free(halide_free_t f) { return g_halide_free.exchange(f); }
extern "C" void *halide_default_malloc(void *, size_t n) { return aligned_alloc(64, (n + 63) / 64 * 64); }
extern "C" void halide_default_free(void *, void *p) { free(p); }

// ---- the fake model "rownet" -----------------------------------------------------------
// image [H, W, C] stored with a zero halo of 1 on every side;
// conv  = per channel, a 3x3 weighted sum of image (weights differ per channel), rows in
//         parallel through the installed do_par_for (an output);
// peak  = per channel, the maximum of conv plus the sum of its first row (an output {C}).
// Every value is computed by one task in a fixed order, so results are bit-exact whatever
// the threads.

constexpr int C = 4, W = 12, H = 10;

static float &at(const halide_buffer_t *b, int c, int x, int y) {
    const halide_dimension_t *d = b->dim;
    int64_t i = (int64_t)(c - d[0].min) * d[0].stride + (int64_t)(x - d[1].min) * d[1].stride +
                (int64_t)(y - d[2].min) * d[2].stride;
    return reinterpret_cast<float *>(b->host)[i];
}

static float weight(int c, int dx, int dy) { return 0.125f * float(1 + c) + 0.0625f * float(3 * dy + dx); }

// What a test makes the conv stage do at its start.
enum Hook { kNone, kSpin, kBlockFirst, kWaitForBusyFirst };
static std::atomic<int> g_hook{kNone};
static std::atomic<bool> g_hook_armed{false};   // kBlockFirst, kWaitForBusyFirst: once
static std::atomic<bool> g_in_stage{false};     // kBlockFirst: a call is held in the stage
static std::atomic<bool> g_release{false};      // kBlockFirst: let it go
static std::atomic<long> g_busy_seen{0};        // kWaitForBusyFirst: BUSY results so far
static std::atomic<bool> g_wait_timed_out{false};

// Waits (up to 10 s) until `done` holds.
template <typename F>
static bool wait_until(F done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    return true;
}

static void run_hook() {
    switch (g_hook.load()) {
    case kSpin: {  // a few microseconds: makes overlapping calls likely
        auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
        while (std::chrono::steady_clock::now() < end) {
        }
        break;
    }
    case kBlockFirst:
        if (g_hook_armed.exchange(false)) {
            g_in_stage = true;
            if (!wait_until([] { return g_release.load(); })) g_wait_timed_out = true;
        }
        break;
    case kWaitForBusyFirst:  // the first call waits until another thread was refused
        if (g_hook_armed.exchange(false) && !wait_until([] { return g_busy_seen.load() > 0; }))
            g_wait_timed_out = true;
        break;
    }
}

struct ConvClosure {
    const halide_buffer_t *in, *out;
};

static int conv_row(void *, int y, uint8_t *closure) {
    const ConvClosure *k = reinterpret_cast<const ConvClosure *>(closure);
    const halide_dimension_t *o = k->out->dim;
    for (int x = o[1].min; x < o[1].min + o[1].extent; x++)
        for (int c = 0; c < C; c++) {
            float sum = 0.5f * float(c);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) sum += weight(c, dx, dy) * at(k->in, c, x + dx, y + dy);
            at(k->out, c, x, y) = sum;
        }
    return 0;
}

static int conv_stage(void **args) {
    run_hook();
    ConvClosure k = {static_cast<const halide_buffer_t *>(args[0]), static_cast<const halide_buffer_t *>(args[1])};
    const halide_dimension_t *o = k.out->dim;
    if (k.in->dim[1].min > -1 || k.in->dim[2].min > -1) return -1;  // the halo is the boundary
    halide_do_par_for_t par_for = g_do_par_for.load();
    if (!par_for) return -2;  // the runtime installs its pool at netc_session_create
    return par_for(nullptr, conv_row, o[2].min, o[2].extent, reinterpret_cast<uint8_t *>(&k));
}

static int peak_stage(void **args) {
    const halide_buffer_t *conv = static_cast<const halide_buffer_t *>(args[0]);
    const halide_buffer_t *out = static_cast<const halide_buffer_t *>(args[1]);
    for (int c = 0; c < C; c++) {
        float best = at(conv, c, 0, 0), row = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) best = std::max(best, at(conv, c, x, y));
        for (int x = 0; x < W; x++) row += at(conv, c, x, 0);
        at(out, c, 0, 0) = best + row;
    }
    return 0;
}

static const netc_tensor_desc kTensors[] = {
    // name, channels, width, height, pad top/left/bottom/right, offset
    {"image", C, W, H, 1, 1, 1, 1, 0},                         // 4 * 14 * 12 floats = 2688 bytes
    {"conv", C, W, H, 0, 0, 0, 0, 2688},                       // 1920 bytes
    {"peak", C, 1, 1, 0, 0, 0, 0, 2688 + 1920},                // 16 bytes
};
static const int32_t kConvInputs[] = {0};
static const int32_t kPeakInputs[] = {1};
static const netc_stage_desc kStages[] = {
    {"conv3x3", conv_stage, 1, kConvInputs, 1},
    {"peak", peak_stage, 1, kPeakInputs, 2},
};
static const netc_io_desc kInputs[] = {{{"image", 3, {H, W, C}, nullptr, nullptr}, 0}};
static const netc_io_desc kOutputs[] = {{{"conv", 3, {H, W, C}, nullptr, nullptr}, 1},
                                        {{"peak", 1, {C}, nullptr, nullptr}, 2}};

static const netc_model *rownet() {
    static const netc_model m = {NETC_ABI_VERSION, "rownet", "host", 2688 + 1920 + 64, 0,
                                 3, kTensors, 2, kStages, 1, kInputs, 2, kOutputs, nullptr, -1, -1, 1, 0};
    return &m;
}

static std::vector<float> test_image(int seed) {
    std::vector<float> v(H * W * C);
    for (size_t i = 0; i < v.size(); i++) v[i] = float((i * 7 + size_t(seed) * 13) % 23) * 0.25f - 2.0f + 0.001f * float(seed);
    return v;
}

// One inference's caller-side tensors.
struct Io {
    std::vector<float> image, conv = std::vector<float>(H * W * C), peak = std::vector<float>(C);
    netc_tensor in{}, out[2]{};
    explicit Io(std::vector<float> im) : image(std::move(im)) {
        in = {NETC_FLOAT32, 3, {H, W, C}, image.data()};
        out[0] = {NETC_FLOAT32, 3, {H, W, C}, conv.data()};
        out[1] = {NETC_FLOAT32, 1, {C}, peak.data()};
    }
    netc_status run(netc_session *s) { return netc_run(s, &in, 1, out, 2); }
    void scribble() {  // so that an output the runtime did not write shows
        std::fill(conv.begin(), conv.end(), -12345.0f);
        std::fill(peak.begin(), peak.end(), -12345.0f);
    }
    bool same_as(const Io &other) const {  // bitwise
        return std::memcmp(conv.data(), other.conv.data(), conv.size() * sizeof(float)) == 0 &&
               std::memcmp(peak.data(), other.peak.data(), peak.size() * sizeof(float)) == 0;
    }
};

// The single-threaded result for `seed`, checked against a direct computation.
static Io reference(int seed) {
    Io io(test_image(seed));
    netc_session *s = nullptr;
    EXPECT_EQ(netc_session_create(rownet(), &s), NETC_OK) << netc_session_error(nullptr);
    EXPECT_EQ(io.run(s), NETC_OK) << netc_session_error(s);
    netc_session_destroy(s);
    auto px = [&](int c, int x, int y) {
        return x < 0 || x >= W || y < 0 || y >= H ? 0.0f : io.image[(y * W + x) * C + c];
    };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++) {
                float sum = 0.5f * float(c);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) sum += weight(c, dx, dy) * px(c, x + dx, y + dy);
                EXPECT_FLOAT_EQ(io.conv[(y * W + x) * C + c], sum) << c << "," << x << "," << y;
            }
    return io;
}

class Threads : public ::testing::Test {
protected:
    void SetUp() override {
        netc_set_num_threads(2);  // a worker, whatever the machine
        g_hook = kNone;
        g_hook_armed = false;
        g_in_stage = false;
        g_release = false;
        g_busy_seen = 0;
        g_wait_timed_out = false;
    }
    void TearDown() override {
        g_hook = kNone;
        netc_set_num_threads(0);
    }
};

// ---- sessions on threads of their own --------------------------------------------------

TEST_F(Threads, FourSessionsOnFourThreadsGiveTheSingleThreadedResults) {
    constexpr int kThreads = 4, kRuns = 1000;
    std::vector<Io> expected;  // two inputs per thread, alternating
    for (int i = 0; i < 2 * kThreads; i++) expected.push_back(reference(i));
    std::vector<netc_session *> sessions(kThreads, nullptr);
    for (auto &s : sessions) ASSERT_EQ(netc_session_create(rownet(), &s), NETC_OK);

    std::vector<long> failures(kThreads, 0), mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++)
        threads.emplace_back([&, t] {
            Io io[2] = {Io(test_image(2 * t)), Io(test_image(2 * t + 1))};
            for (int r = 0; r < kRuns; r++) {
                Io &cur = io[r % 2];
                cur.scribble();
                if (cur.run(sessions[t]) != NETC_OK) failures[t]++;
                else if (!cur.same_as(expected[2 * t + r % 2])) mismatches[t]++;
            }
        });
    for (auto &th : threads) th.join();
    for (int t = 0; t < kThreads; t++) {
        EXPECT_EQ(failures[t], 0) << "thread " << t << ": " << netc_session_error(sessions[t]);
        EXPECT_EQ(mismatches[t], 0) << "thread " << t;
        EXPECT_STREQ(netc_session_error(sessions[t]), "");
    }
    for (auto &s : sessions) netc_session_destroy(s);
}

// Sessions created and destroyed while others run (the pool is shared by all).
TEST_F(Threads, SessionsComeAndGoWhileOthersRun) {
    const Io expected = reference(3);
    std::atomic<bool> stop{false};
    std::atomic<long> bad{0};
    std::thread runner([&] {
        netc_session *s = nullptr;
        if (netc_session_create(rownet(), &s) != NETC_OK) {
            bad++;
            return;
        }
        Io io(test_image(3));
        while (!stop.load()) {
            io.scribble();
            if (io.run(s) != NETC_OK || !io.same_as(expected)) bad++;
        }
        netc_session_destroy(s);
    });
    for (int i = 0; i < 200; i++) {
        netc_session *s = nullptr;
        ASSERT_EQ(netc_session_create(rownet(), &s), NETC_OK);
        Io io(test_image(3));
        ASSERT_EQ(io.run(s), NETC_OK) << netc_session_error(s);
        EXPECT_TRUE(io.same_as(expected));
        netc_session_destroy(s);
    }
    stop = true;
    runner.join();
    EXPECT_EQ(bad.load(), 0);
}

// ---- one session, several threads: refused, never wrong ---------------------------------

// Deterministic: one call is held inside a stage while the other thread calls.
TEST_F(Threads, ASecondCallWhileRunningIsRefusedWithBusy) {
    const Io expected = reference(1);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(rownet(), &s), NETC_OK);
    g_hook = kBlockFirst;
    g_hook_armed = true;
    Io first(test_image(1));
    netc_status first_status = NETC_ERROR_EXECUTION;
    std::thread holder([&] { first_status = first.run(s); });
    ASSERT_TRUE(wait_until([] { return g_in_stage.load(); }));

    Io second(test_image(2));
    second.scribble();
    EXPECT_EQ(second.run(s), NETC_ERROR_BUSY);
    // The refusal is this thread's own: the session's text belongs to the running call.
    std::string msg = netc_session_error(s);
    EXPECT_NE(msg.find("netc_run"), std::string::npos) << msg;
    EXPECT_NE(msg.find("another thread"), std::string::npos) << msg;
    netc_detection d[2];
    int32_t n = -1;
    EXPECT_EQ(netc_detect(s, &second.in, 1, d, 2, &n), NETC_ERROR_BUSY);
    EXPECT_EQ(n, 0);
    msg = netc_session_error(s);
    EXPECT_NE(msg.find("netc_detect"), std::string::npos) << msg;
    EXPECT_EQ(second.conv[0], -12345.0f) << "a refused call wrote its outputs";
    // Profiling switched on meanwhile applies from the next inference, not to this one.
    double ms[2] = {0, 0};
    netc_session_profile(s, ms);

    g_release = true;
    holder.join();
    EXPECT_FALSE(g_wait_timed_out.load());
    EXPECT_EQ(first_status, NETC_OK);
    EXPECT_TRUE(first.same_as(expected));
    EXPECT_EQ(ms[0], 0.0);
    EXPECT_EQ(ms[1], 0.0);

    // Free again: this thread's next call takes it, and the session's own text is back.
    EXPECT_EQ(second.run(s), NETC_OK);
    EXPECT_STREQ(netc_session_error(s), "");
    EXPECT_TRUE(second.same_as(reference(2)));
    EXPECT_GT(ms[0] + ms[1], 0.0);
    netc_session_profile(s, nullptr);
    netc_session_destroy(s);
}

// Two threads hammer one session: each call either runs alone (exact results) or is refused.
// The first call into the stage waits until the other thread has been refused once, so the
// overlap is certain; later calls spin a little in the stage, so overlaps stay frequent.
TEST_F(Threads, TwoThreadsHammeringOneSessionSeeOkOrBusyOnly) {
    constexpr int kThreads = 2, kSuccesses = 300;
    std::vector<Io> expected;
    for (int t = 0; t < kThreads; t++) expected.push_back(reference(10 + t));
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(rownet(), &s), NETC_OK);
    g_hook = kWaitForBusyFirst;
    g_hook_armed = true;

    struct Counts {
        long ok = 0, busy = 0, other = 0, mismatches = 0, bad_messages = 0;
    };
    std::vector<Counts> counts(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++)
        threads.emplace_back([&, t] {
            Io io(test_image(10 + t));
            Counts &k = counts[t];
            for (long attempt = 0; k.ok < kSuccesses && attempt < 20000000; attempt++) {
                io.scribble();
                netc_status st = io.run(s);
                if (st == NETC_OK) {
                    k.ok++;
                    if (!io.same_as(expected[t])) k.mismatches++;
                    if (k.ok == 1) g_hook = kSpin;  // the first success ends the forced overlap
                } else if (st == NETC_ERROR_BUSY) {
                    k.busy++;
                    g_busy_seen++;
                    // Read from this thread's own buffer, never the session's (TSan checks).
                    if (!strstr(netc_session_error(s), "another thread")) k.bad_messages++;
                } else {
                    k.other++;
                }
            }
        });
    for (auto &th : threads) th.join();
    EXPECT_FALSE(g_wait_timed_out.load()) << "no call was refused while another ran";
    long busy = 0;
    for (int t = 0; t < kThreads; t++) {
        EXPECT_EQ(counts[t].ok, kSuccesses) << "thread " << t;
        EXPECT_EQ(counts[t].mismatches, 0) << "thread " << t;
        EXPECT_EQ(counts[t].other, 0) << "thread " << t;
        EXPECT_EQ(counts[t].bad_messages, 0) << "thread " << t;
        busy += counts[t].busy;
    }
    EXPECT_GE(busy, 1);
    RecordProperty("busy", std::to_string(busy));
    netc_session_destroy(s);
}

// netc_session_destroy on another thread waits for the running inference, then frees.
TEST_F(Threads, DestroyWaitsForTheRunningInference) {
    const Io expected = reference(4);
    netc_session *s = nullptr;
    ASSERT_EQ(netc_session_create(rownet(), &s), NETC_OK);
    g_hook = kBlockFirst;
    g_hook_armed = true;
    Io io(test_image(4));
    netc_status status = NETC_ERROR_EXECUTION;
    std::thread runner([&] { status = io.run(s); });
    ASSERT_TRUE(wait_until([] { return g_in_stage.load(); }));
    std::atomic<bool> destroyed{false};
    std::thread destroyer([&] {
        netc_session_destroy(s);
        destroyed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(destroyed.load()) << "destroyed while an inference ran on it";
    g_release = true;
    runner.join();
    destroyer.join();
    EXPECT_TRUE(destroyed.load());
    EXPECT_EQ(status, NETC_OK);
    EXPECT_TRUE(io.same_as(expected));
}
