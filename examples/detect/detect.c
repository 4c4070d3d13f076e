/* detect: runs the MobileNet-SSD model compiled by `netc compile` on one image and prints the
 * objects it finds: class, score and box in the image's pixels.
 *
 *   detect [--threads N] [--runs N] [--draw boxes.ppm] image.ppm
 *
 * A detector is used like any model (netc_session_create once, then per image), except that
 * netc_detect() replaces netc_run(): it runs the network and then decodes its two raw outputs
 * (box encodings and class scores) with the priors, thresholds and NMS the spec chose, all in
 * memory the session allocated up front.
 */
#define _POSIX_C_SOURCE 200809L

#include "mobilenet_ssd.h" /* generated: declares netc_mobilenet_ssd_model() */
#include "netc.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_RUNS 30
#define MAX_DETECTIONS 200

const char *program_name = "detect";

/* The 21 classes of PASCAL VOC, in the order MobileNet-SSD's scores use. */
static const char *const kVocClasses[21] = {
    "background", "aeroplane", "bicycle", "bird",  "boat",        "bottle", "bus",
    "car",        "cat",       "chair",   "cow",   "diningtable", "dog",    "horse",
    "motorbike",  "person",    "pottedplant", "sheep", "sofa",    "train",  "tvmonitor"};

_Noreturn static void usage(void) {
    fprintf(stderr,
            "usage: detect [--threads N] [--runs N] [--draw out.ppm] image.ppm\n"
            "  --threads N   worker threads (default: one per CPU this process may use)\n"
            "  --runs N      timed runs after one warm-up (default 30, at least %d)\n"
            "  --draw F      also write the image with the boxes drawn on it (binary PPM)\n",
            MIN_RUNS);
    exit(1);
}

/* A one-pixel rectangle outline in the class's colour. */
static void draw_box(image im, const netc_detection *d) {
    const unsigned char colour[3] = {(unsigned char)(60 + 37 * d->class_id % 196),
                                     (unsigned char)(255 - 53 * d->class_id % 196),
                                     (unsigned char)(90 * d->class_id % 256)};
    int x0 = (int)(d->xmin * (float)im.width), x1 = (int)(d->xmax * (float)im.width);
    int y0 = (int)(d->ymin * (float)im.height), y1 = (int)(d->ymax * (float)im.height);
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            if (x < 0 || y < 0 || x >= im.width || y >= im.height) continue;
            if (x != x0 && x != x1 && y != y0 && y != y1) continue;
            memcpy(&im.rgb[((size_t)y * (size_t)im.width + (size_t)x) * 3], colour, 3);
        }
}

static void write_ppm(const char *path, image im) {
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write '%s'", path);
    fprintf(f, "P6\n%d %d\n255\n", im.width, im.height);
    size_t bytes = (size_t)im.width * (size_t)im.height * 3;
    if (fwrite(im.rgb, 1, bytes, f) != bytes || fclose(f) != 0) die("cannot write '%s'", path);
}

int main(int argc, char **argv) {
    int threads = 0, runs = MIN_RUNS;
    const char *image_path = NULL, *draw_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0) threads = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--runs") == 0) runs = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--draw") == 0 && i + 1 < argc) draw_path = argv[++i];
        else if (argv[i][0] == '-' || image_path) usage();
        else image_path = argv[i];
    }
    if (!image_path) usage();
    if (runs < MIN_RUNS) runs = MIN_RUNS;

    printf("NOTE: the bundled weights are seeded random numbers, not trained ones: the boxes\n"
           "      below are meaningless. This example shows the API, the speed and the\n"
           "      post-processing, not object detection.\n\n");

    /* 1. The model: one RGB image in, and a detection config compiled in. */
    const netc_model *model = netc_mobilenet_ssd_model();
    const netc_tensor_info *in_info = netc_model_input(model, 0);
    const netc_detection_config *config = netc_model_detection(model);
    if (!in_info || in_info->rank != 3 || in_info->shape[2] != 3 || !config)
        die("the model is not a detector taking one RGB image");
    int in_h = (int)in_info->shape[0], in_w = (int)in_info->shape[1];
    printf("model %s (Halide target %s): input %dx%dx3, %lld priors, %d classes, "
           "score > %.2f, NMS IoU %.2f, at most %d detections\n",
           netc_model_name(model), netc_model_target(model), in_h, in_w,
           (long long)netc_detect_num_priors(config), (int)config->num_classes,
           (double)config->score_threshold, (double)config->iou_threshold,
           (int)config->max_detections);

    /* 2. The image, at the model's input size. Boxes come back normalised (0..1), so they
     *    map onto the original image whatever its size. */
#ifdef EXAMPLE_PHOTOS
    image original = load_photo(image_path), im = original; /* JPEG, PNG or PPM */
#else
    image original = load_ppm(image_path), im = original;
#endif
    if (im.width != in_w || im.height != in_h) {
        printf("resizing %s from %dx%d to %dx%d (bilinear)\n", image_path, im.width, im.height,
               in_w, in_h);
        im = resize_bilinear(original, in_w, in_h);
    }

    /* 3. A session allocates everything, including the priors and the NMS scratch. */
    netc_session *session;
    netc_status st = netc_session_create(model, &session);
    if (st != NETC_OK) die("cannot create a session: %s", netc_status_string(st));
    netc_set_num_threads(threads);
    threads = netc_num_threads();

    /* 4. netc_detect: the network, then decode + NMS. Warm up once, then time it. */
    netc_tensor input = {NETC_UINT8, 3, {in_h, in_w, 3}, im.rgb};
    netc_detection found[MAX_DETECTIONS];
    int32_t n = 0;
    if (netc_detect(session, &input, 1, found, MAX_DETECTIONS, &n) != NETC_OK)
        die("detection failed: %s", netc_session_error(session));
    double *ms = malloc((size_t)runs * sizeof *ms);
    if (!ms) die("out of memory");
    for (int i = 0; i < runs; i++) {
        double start = now_ms();
        if (netc_detect(session, &input, 1, found, MAX_DETECTIONS, &n) != NETC_OK)
            die("detection failed: %s", netc_session_error(session));
        ms[i] = now_ms() - start;
    }
    double median = median_ms(ms, runs);

    /* 5. The detections, best first, in the original image's pixels. */
    printf("\n%d detection%s (meaningless: random weights)%s\n", (int)n, n == 1 ? "" : "s",
           n > 20 ? "; the best 20:" : ":");
    printf("  %-12s %6s   %s\n", "class", "score", "box (x0, y0) - (x1, y1) in pixels");
    for (int32_t i = 0; i < n && i < 20; i++) {
        const netc_detection *d = &found[i];
        const char *name = d->class_id >= 0 && d->class_id < 21 ? kVocClasses[d->class_id] : "?";
        printf("  %-12s %6.3f   (%4.0f, %4.0f) - (%4.0f, %4.0f)\n", name, (double)d->score,
               (double)(d->xmin * (float)original.width), (double)(d->ymin * (float)original.height),
               (double)(d->xmax * (float)original.width), (double)(d->ymax * (float)original.height));
    }
    printf("\nlatency (network + decode + NMS) over %d runs: median %.3f ms, min %.3f ms "
           "(%d thread%s)\n",
           runs, median, ms[0], threads, threads == 1 ? "" : "s");

    if (draw_path) {
        for (int32_t i = 0; i < n; i++) draw_box(original, &found[i]);
        write_ppm(draw_path, original);
        printf("boxes drawn on %s\n", draw_path);
    }
    netc_session_destroy(session);
    free(ms);
    return 0;
}
