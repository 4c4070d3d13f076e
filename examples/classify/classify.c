/* classify: runs a classifier compiled by `netc compile` (MobileNetV1 by default) on one image.
 *
 *   classify [--threads N] [--runs N] [--labels labels.txt] [--compare reference.npy [--tolerance T]] image.{jpg,png,ppm}
 *
 * It shows the whole netc runtime API in one place:
 *   1. ask the model what input it expects (netc_model_input),
 *   2. create a session once (netc_session_create: all memory is allocated here),
 *   3. run it as often as you like (netc_run: allocates nothing),
 *   4. read the output and destroy the session.
 *
 * The image is a JPEG or PNG (when built with photo.c: -DEXAMPLE_PHOTOS -ljpeg -lpng, as the
 * CMake build does) or a binary PPM (P6, maxval 255). It is brought to the model's input size
 * as the generated header says the model wants (NETC_<model>_PHOTO_*: a center crop, or the
 * whole image; PIL-like bilinear on 8-bit pixels, or TF's align-corners on floats) and handed
 * over as raw 8-bit pixels, which the runtime normalises with the model's mean and scale, or,
 * after an align-corners resize, as floats the app normalises itself with the same numbers.
 * With --labels, classes are printed by name (one per line, in class order). With --compare,
 * the output is checked against a float32 .npy file written by the reference interpreter.
 *
 * The build makes one executable per bundled classifier (classify, classify_mobilenet_v2,
 * ..., classify_xception) from this file: NETC_MODEL names the model, and its generated
 * header declares netc_<NETC_MODEL>_model(). The first output is taken as the class
 * probabilities; a model's other outputs (e.g. V3's logits) are computed too.
 */
#define _POSIX_C_SOURCE 200809L

#include "netc.h"
#ifndef NETC_MODEL
#define NETC_MODEL mobilenet_v1
#endif
#define NETC_STR2(x) #x
#define NETC_STR(x) NETC_STR2(x)
#define NETC_CAT2(a, b, c) a##b##c
#define NETC_CAT(a, b, c) NETC_CAT2(a, b, c)
#include NETC_STR(NETC_MODEL.h) /* generated: declares netc_<model>_model() */
#include "support.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_RUNS 30

const char *program_name = "classify";

_Noreturn static void usage(void) {
    fprintf(stderr, "usage: classify [--threads N] [--runs N] [--labels F] [--compare reference.npy] image.{jpg,png,ppm}\n"
                    "  --threads N   worker threads (default: one per CPU this process may use)\n"
                    "  --labels F    class names, one per line in class order\n"
                    "  --tolerance T with --compare: exit 1 past this relative difference\n"
                    "  --runs N      timed runs after one warm-up (default 50, at least %d)\n"
                    "  --compare F   compare the output with a float32 .npy reference\n",
            MIN_RUNS);
    exit(1);
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    int threads = 0, runs = 50;
    const char *compare_path = NULL, *image_path = NULL, *labels_path = NULL;
    double tolerance = -1; /* --compare only reports */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0) threads = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--runs") == 0) runs = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc) compare_path = argv[++i];
        else if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc) labels_path = argv[++i];
        else if (strcmp(argv[i], "--tolerance") == 0 && i + 1 < argc) {
            char *end;
            tolerance = strtod(argv[++i], &end);
            if (*end || !(tolerance >= 0)) die("--tolerance expects a non-negative number, got '%s'", argv[i]);
        }
        else if (argv[i][0] == '-' || image_path) usage();
        else image_path = argv[i];
    }
    if (!image_path) usage();
    if (tolerance >= 0 && !compare_path) die("--tolerance goes with --compare");

    const int random_weights = NETC_CAT(NETC_, NETC_MODEL, _RANDOM_WEIGHTS);
    if (random_weights)
        printf("NOTE: this model's weights are seeded random numbers, not trained ones:\n"
               "      the predicted classes are meaningless. This run shows speed and\n"
               "      agreement with the reference interpreter, not image recognition.\n\n");
    if (runs < MIN_RUNS) {
        printf("note: --runs raised from %d to %d; fewer runs give unreliable timings\n", runs,
               MIN_RUNS);
        runs = MIN_RUNS;
    }

    /* 1. What does the model expect? Images are {H, W, C}. */
    const netc_model *model = NETC_CAT(netc_, NETC_MODEL, _model)();
    const netc_tensor_info *in_info = netc_model_input(model, 0);
    const netc_tensor_info *out_info = netc_model_output(model, 0);
    if (!in_info || !out_info || in_info->rank != 3 || in_info->shape[2] != 3)
        die("the model does not take one RGB image");
    int in_h = (int)in_info->shape[0], in_w = (int)in_info->shape[1];
    size_t num_classes = 1;
    for (int d = 0; d < out_info->rank; d++) num_classes *= (size_t)out_info->shape[d];
    printf("model %s (Halide target %s): input %dx%dx3, %zu classes, %.1f MiB workspace\n",
           netc_model_name(model), netc_model_target(model), in_h, in_w, num_classes,
           (double)netc_model_workspace_bytes(model) / (1024.0 * 1024.0));

    /* 2. Load the image and bring it to the model's input size. */
#ifdef EXAMPLE_PHOTOS
    image im = load_photo(image_path); /* JPEG, PNG or PPM */
#else
    image im = load_ppm(image_path);
#endif
    /* As the model was trained: the header says how (NETC_<model>_PHOTO_*). */
    const int stretch = NETC_CAT(NETC_, NETC_MODEL, _PHOTO_STRETCH), align_corners = NETC_CAT(NETC_, NETC_MODEL, _PHOTO_ALIGN_CORNERS);
    if (!NETC_CAT(NETC_, NETC_MODEL, _PHOTO_NORMALIZATION_KNOWN))
        printf("note: the model does not say how its pixels are normalised; the runtime's default is\n"
               "      (p - 0) * 1 (write MODEL.preprocess.json beside the model and compile it again)\n");
    float *pixels = NULL; /* the input as floats, after an align-corners resize */
    if (im.width != in_w || im.height != in_h) {
        printf("resizing %s from %dx%d to %dx%d (%s)\n", image_path, im.width, im.height, in_w, in_h,
               align_corners ? "the whole image, bilinear with aligned corners"
               : stretch     ? "the whole image, bilinear"
                             : "its center, bilinear");
        if (align_corners) {
            pixels = resize_align_corners(im, in_w, in_h);
        } else {
            image resized = stretch ? resize_bilinear(im, in_w, in_h) : center_crop(im, in_w, in_h, 0.875);
            free(im.rgb);
            im = resized;
        }
    }
    if (NETC_CAT(NETC_, NETC_MODEL, _PHOTO_BGR)) { /* the network takes BGR */
        for (size_t i = 0; i < (size_t)in_w * in_h; i++) {
            if (pixels) {
                float t = pixels[3 * i];
                pixels[3 * i] = pixels[3 * i + 2], pixels[3 * i + 2] = t;
            } else {
                unsigned char t = im.rgb[3 * i];
                im.rgb[3 * i] = im.rgb[3 * i + 2], im.rgb[3 * i + 2] = t;
            }
        }
    }
    if (pixels) /* normalised here with the model's own numbers, as the runtime does 8-bit ones */
        for (size_t i = 0; i < (size_t)in_w * in_h * 3; i++)
            pixels[i] = (pixels[i] - in_info->mean[i % 3]) * in_info->scale[i % 3];

    /* 3. Create a session: every buffer the model needs is allocated here, once. */
    netc_session *session;
    netc_status st = netc_session_create(model, &session);
    if (st != NETC_OK) die("cannot create a session: %s", netc_status_string(st));
    netc_set_num_threads(threads); /* 0: one per CPU this process may use */
    threads = netc_num_threads();

    /* The caller owns the tensors. The input is raw 8-bit RGB in HWC order; the runtime
     * normalises it with the model's per-channel mean and scale. */
    int32_t num_outputs = netc_model_num_outputs(model);
    netc_tensor *outputs = calloc((size_t)num_outputs, sizeof *outputs);
    if (!outputs) die("out of memory");
    for (int32_t o = 0; o < num_outputs; o++) { /* every output, in the model's order */
        const netc_tensor_info *info = netc_model_output(model, o);
        size_t n = 1;
        for (int d = 0; d < info->rank; d++) n *= (size_t)info->shape[d];
        outputs[o] = (netc_tensor){NETC_FLOAT32, info->rank, {0}, malloc(n * sizeof(float))};
        if (!outputs[o].data) die("out of memory");
        memcpy(outputs[o].shape, info->shape, sizeof outputs[o].shape);
    }
    const float *probabilities = outputs[0].data;
    netc_tensor input = pixels ? (netc_tensor){NETC_FLOAT32, 3, {in_h, in_w, 3}, pixels} : (netc_tensor){NETC_UINT8, 3, {in_h, in_w, 3}, im.rgb};

    /* 4. One warm-up run (first-touch page faults, thread pool start-up), then timed runs. */
    if (netc_run(session, &input, 1, outputs, num_outputs) != NETC_OK)
        die("inference failed: %s", netc_session_error(session));
    double *ms = malloc((size_t)runs * sizeof *ms);
    if (!ms) die("out of memory");
    for (int i = 0; i < runs; i++) {
        double start = now_ms();
        if (netc_run(session, &input, 1, outputs, num_outputs) != NETC_OK)
            die("inference failed: %s", netc_session_error(session));
        ms[i] = now_ms() - start;
    }
    double median = median_ms(ms, runs);

    /* 5. The five most probable classes. */
    char **labels = labels_path ? load_labels(labels_path, num_classes) : NULL;
    printf("\ntop-%d classes%s:\n", num_classes < 5 ? (int)num_classes : 5, random_weights ? " (meaningless: random weights)" : "");
    int top[5];
    int k = num_classes < 5 ? (int)num_classes : 5;
    for (int j = 0; j < k; j++) {
        top[j] = -1;
        for (size_t c = 0; c < num_classes; c++) {
            int taken = 0;
            for (int t = 0; t < j; t++) taken |= top[t] == (int)c;
            if (!taken && (top[j] < 0 || probabilities[c] > probabilities[top[j]])) top[j] = (int)c;
        }
        printf("  class %4d  probability %.6f%s%s\n", top[j], probabilities[top[j]], labels ? "  " : "", labels ? labels[top[j]] : "");
    }
    printf("\nlatency over %d runs: median %.3f ms, min %.3f ms (%d thread%s)\n", runs, median,
           ms[0], threads, threads == 1 ? "" : "s");

    /* 6. Optionally, agreement with the reference interpreter. */
    if (compare_path) {
        size_t n;
        float *ref = load_npy_f32(compare_path, &n);
        if (n != num_classes)
            die("'%s' holds %zu values, the model produces %zu", compare_path, n, num_classes);
        double max_abs = 0, max_ref = 0;
        for (size_t i = 0; i < n; i++) {
            double diff = fabs((double)probabilities[i] - (double)ref[i]);
            if (diff > max_abs || isnan(diff)) max_abs = diff;
            if (fabs((double)ref[i]) > max_ref) max_ref = fabs((double)ref[i]);
        }
        printf("\ncompared with %s:\n  max absolute difference %.3g\n"
               "  max relative difference %.3g (max |a - b| / max |reference|)\n",
               compare_path, max_abs, max_ref > 0 ? max_abs / max_ref : max_abs);
        free(ref);
        if (tolerance >= 0 && !((max_ref > 0 ? max_abs / max_ref : max_abs) <= tolerance)) {
            printf("FAIL: past the tolerance %g\n", tolerance);
            return 1;
        }
    }

    netc_session_destroy(session);
    free(ms);
    for (int32_t o = 0; o < num_outputs; o++) free(outputs[o].data);
    free(outputs);
    free(im.rgb);
    free(pixels);
    if (labels) {
        for (size_t c = 0; c < num_classes; c++) free(labels[c]);
        free(labels);
    }
    return 0;
}
