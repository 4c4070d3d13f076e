/* The program netc runs on a target device (under qemu, or through a user's runner) to run,
 * time and profile one compiled model: `netc compile` links it per model as
 * generated/<model>/<target>/<model>_runner, statically, so copying it to a board is enough.
 * It speaks only through files in its working directory and lines on stdout, because a runner
 * script may carry both over ssh:
 *
 *   <model>_runner [--threads N] [--input FILE] [--outputs PREFIX] [--warmup N] [--runs N] [--profile N]
 *
 *   --input FILE      raw float32, the model input's values (HWC, normalised): one item, or as many
 *                     as the model's batch; default: all zeros
 *   --outputs PREFIX  writes output o as PREFIX<o>.f32 (raw float32, HWC items)
 * Files hold netc's order (channels last) whatever layout the C API was compiled with
 * (`netc compile --layout nchw`): the runner transposes to and from it.
 *   --runs N          after --warmup N untimed runs: N timed runs, each printed as `time_ms X`
 *   --profile N       N more runs with the runtime's per-stage clock: `stage_run_ms I X` per stage
 *                     and run, then `stage_ms I X` (the mean)
 *
 * It first prints `netc_runner 1`, `model NAME`, `target HALIDE_TARGET`, `threads N` and one
 * `stage I NAME` per stage. Errors go to stderr with exit code 1 (2 for bad arguments).
 * Compiled with -DNETC_MODEL_FN=netc_<model>_model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netc.h"

#ifndef NETC_MODEL_FN
#error "compile with -DNETC_MODEL_FN=netc_<model>_model"
#endif
const netc_model *NETC_MODEL_FN(void);

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int64_t elements(const netc_tensor_info *info) {
    int64_t n = 1;
    for (int32_t d = 0; d < info->rank; d++) n *= info->shape[d];
    return n;
}

static int fail(const char *what, const char *detail) {
    fprintf(stderr, "netc_runner: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* Items of {H, W, C} to {C, H, W} (to_nchw) or back, for a tensor the C API lays out
 * channels first ({N, C, H, W}); a copy otherwise. */
static void reorder(const netc_tensor_info *info, const float *src, float *dst, int to_nchw) {
    const int64_t n = elements(info);
    if (info->layout != NETC_LAYOUT_NCHW) {
        memcpy(dst, src, (size_t)n * sizeof(float));
        return;
    }
    const int64_t c = info->shape[1], h = info->shape[2], w = info->shape[3], item = c * h * w;
    for (int64_t b = 0; b < info->shape[0]; b++)
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++)
                for (int64_t k = 0; k < c; k++) {
                    const int64_t hwc = b * item + (y * w + x) * c + k, chw = b * item + (k * h + y) * w + x;
                    if (to_nchw) dst[chw] = src[hwc];
                    else dst[hwc] = src[chw];
                }
}

/* One item or a whole batch, in netc's order, into the C API's. */
static int read_input(const char *path, const netc_tensor_info *info, int32_t batch, float *data) {
    const int64_t n = elements(info), item = n / batch;
    float *hwc = calloc((size_t)n + 1, sizeof(float));
    FILE *f = fopen(path, "rb");
    if (!hwc || !f) {
        free(hwc);
        if (f) fclose(f);
        return fail("cannot read the input", path);
    }
    const size_t got = fread(hwc, sizeof(float), (size_t)n + 1, f);
    fclose(f);
    if (got != (size_t)n && got != (size_t)item) {
        fprintf(stderr, "netc_runner: %s: the model takes %lld float32 values (%d items of %lld)\n", path, (long long)n,
                (int)batch, (long long)item);
        free(hwc);
        return 1;
    }
    for (int64_t b = 1; got == (size_t)item && b < batch; b++) memcpy(hwc + b * item, hwc, (size_t)item * sizeof(float));
    reorder(info, hwc, data, 1);
    free(hwc);
    return 0;
}

static int write_output(const char *prefix, int o, const netc_tensor_info *info, const float *c_api_order) {
    const int64_t n = elements(info);
    float *data = malloc((size_t)n * sizeof(float) + 1);
    if (!data) return fail("out of memory", NULL);
    reorder(info, c_api_order, data, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s%d.f32", prefix, o);
    FILE *f = fopen(path, "wb");
    const size_t put = f ? fwrite(data, sizeof(float), (size_t)n, f) : 0;
    free(data);
    if (!f || fclose(f) != 0 || put != (size_t)n) return fail("cannot write", path);
    return 0;
}

static int number(const char *flag, const char *text, int *out) {
    char *end;
    const long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > 100000000) {
        fprintf(stderr, "netc_runner: %s takes a non-negative integer, got '%s'\n", flag, text);
        return 2;
    }
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv) {
    const char *input_path = NULL, *output_prefix = NULL;
    int threads = 0, warmup = 0, runs = 0, profile = 0;
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (i + 1 >= argc) return fprintf(stderr, "netc_runner: %s needs a value\n", flag), 2;
        const char *value = argv[++i];
        int rc = 0;
        if (!strcmp(flag, "--input")) input_path = value;
        else if (!strcmp(flag, "--outputs")) output_prefix = value;
        else if (!strcmp(flag, "--threads")) rc = number(flag, value, &threads);
        else if (!strcmp(flag, "--warmup")) rc = number(flag, value, &warmup);
        else if (!strcmp(flag, "--runs")) rc = number(flag, value, &runs);
        else if (!strcmp(flag, "--profile")) rc = number(flag, value, &profile);
        else return fprintf(stderr, "netc_runner: unknown option %s\n", flag), 2;
        if (rc) return rc;
    }

    const netc_model *m = NETC_MODEL_FN();
    netc_set_num_threads(threads);
    printf("netc_runner 1\nmodel %s\ntarget %s\nthreads %d\n", netc_model_name(m), netc_model_target(m), netc_num_threads());
    const int32_t num_stages = netc_model_num_stages(m);
    for (int32_t i = 0; i < num_stages; i++) printf("stage %d %s\n", (int)i, netc_model_stage_name(m, i));

    const netc_tensor_info *ii = netc_model_input(m, 0);
    const int32_t num_outputs = netc_model_num_outputs(m);
    netc_tensor in = {NETC_FLOAT32, ii->rank, {0}, NULL};
    memcpy(in.shape, ii->shape, sizeof in.shape);
    in.data = calloc((size_t)elements(ii), sizeof(float));
    netc_tensor *out = calloc((size_t)num_outputs, sizeof(netc_tensor));
    double *stage_ms = calloc((size_t)num_stages + 1, sizeof(double));
    if (!in.data || !out || !stage_ms) return fail("out of memory", NULL);
    for (int32_t o = 0; o < num_outputs; o++) {
        const netc_tensor_info *oi = netc_model_output(m, o);
        out[o].dtype = NETC_FLOAT32;
        out[o].rank = oi->rank;
        memcpy(out[o].shape, oi->shape, sizeof out[o].shape);
        out[o].data = calloc((size_t)elements(oi), sizeof(float));
        if (!out[o].data) return fail("out of memory", NULL);
    }
    if (input_path && read_input(input_path, ii, netc_model_batch(m), in.data)) return 1;

    netc_session *s;
    if (netc_session_create(m, &s) != NETC_OK) return fail("cannot create a session", "out of memory");
#define RUN_ONCE()                                                                    \
    do {                                                                              \
        if (netc_run(s, &in, 1, out, num_outputs) != NETC_OK)                         \
            return fail("inference failed", netc_session_error(s));                   \
    } while (0)
    RUN_ONCE();
    if (output_prefix)
        for (int32_t o = 0; o < num_outputs; o++)
            if (write_output(output_prefix, (int)o, netc_model_output(m, o), out[o].data)) return 1;
    for (int i = 0; i < warmup; i++) RUN_ONCE();
    for (int i = 0; i < runs; i++) {
        const double t0 = now_ms();
        RUN_ONCE();
        printf("time_ms %.6f\n", now_ms() - t0);
    }
    if (profile > 0) {
        /* Each run's own stage times (a tuner takes medians), then their means. */
        double *sum = calloc((size_t)num_stages + 1, sizeof(double));
        if (!sum) return fail("out of memory", NULL);
        for (int r = 0; r < profile; r++) {
            memset(stage_ms, 0, ((size_t)num_stages + 1) * sizeof(double));
            netc_session_profile(s, stage_ms);
            RUN_ONCE();
            netc_session_profile(s, NULL);
            for (int32_t i = 0; i < num_stages; i++) {
                printf("stage_run_ms %d %.6f\n", (int)i, stage_ms[i]);
                sum[i] += stage_ms[i];
            }
        }
        for (int32_t i = 0; i < num_stages; i++) printf("stage_ms %d %.6f\n", (int)i, sum[i] / profile);
        free(sum);
    }
    netc_session_destroy(s);
    printf("done\n");
    return fflush(stdout) == 0 ? 0 : 1;
}
