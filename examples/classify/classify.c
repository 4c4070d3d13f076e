/* classify: runs the MobileNet v1 model compiled by `netc compile` on one image.
 *
 *   classify [--threads N] [--runs N] [--compare reference.npy] image.ppm
 *
 * It shows the whole netc runtime API in one place:
 *   1. ask the model what input it expects (netc_model_input),
 *   2. create a session once (netc_session_create: all memory is allocated here),
 *   3. run it as often as you like (netc_run: allocates nothing),
 *   4. read the output and destroy the session.
 *
 * The image is a binary PPM (P6, maxval 255). It is resized to the model's input size if
 * needed and handed over as raw 8-bit pixels: the runtime normalises them with the
 * model's mean and scale. With --compare, the output is checked against a float32 .npy
 * file written by the reference interpreter.
 */
#define _POSIX_C_SOURCE 200809L

#include "netc.h"
#include "mobilenet_v1.h" /* generated: declares netc_mobilenet_v1_model() */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIN_RUNS 30

/* Prints an error and exits with status 1. */
_Noreturn static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "classify: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* Reads a whole file into memory. */
static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open '%s'", path);
    size_t cap = 1 << 16, n = 0;
    unsigned char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, cap *= 2);
    }
    if (!data) die("out of memory reading '%s'", path);
    if (ferror(f)) die("cannot read '%s'", path);
    fclose(f);
    *size = n;
    return data;
}

/* ---- loading a PPM image -------------------------------------------------------------- */

typedef struct {
    int width, height;
    unsigned char *rgb; /* height rows of width RGB pixels */
} image;

/* Reads the next number of a PPM header, skipping whitespace and # comments. */
static long ppm_number(const unsigned char *d, size_t size, size_t *pos, const char *path) {
    for (;;) {
        while (*pos < size && (d[*pos] == ' ' || d[*pos] == '\t' || d[*pos] == '\r' ||
                               d[*pos] == '\n'))
            (*pos)++;
        if (*pos < size && d[*pos] == '#') {
            while (*pos < size && d[*pos] != '\n') (*pos)++;
        } else {
            break;
        }
    }
    if (*pos >= size || d[*pos] < '0' || d[*pos] > '9')
        die("'%s': malformed PPM header (expected a number)", path);
    long v = 0;
    while (*pos < size && d[*pos] >= '0' && d[*pos] <= '9' && v < 1000000)
        v = v * 10 + (d[(*pos)++] - '0');
    return v;
}

static image load_ppm(const char *path) {
    size_t size, pos = 2;
    unsigned char *d = read_file(path, &size);
    if (size < 2 || d[0] != 'P' || d[1] != '6')
        die("'%s' is not a binary PPM (P6) image; convert it first, e.g. "
            "`convert photo.jpg -depth 8 image.ppm`",
            path);
    image im;
    im.width = (int)ppm_number(d, size, &pos, path);
    im.height = (int)ppm_number(d, size, &pos, path);
    long maxval = ppm_number(d, size, &pos, path);
    if (im.width < 1 || im.height < 1 || im.width > 100000 || im.height > 100000)
        die("'%s': unsupported image size %dx%d", path, im.width, im.height);
    if (maxval != 255) die("'%s': maxval is %ld; only 8-bit PPMs (maxval 255) are supported", path, maxval);
    pos++; /* exactly one whitespace character separates the header from the pixels */
    size_t bytes = (size_t)im.width * im.height * 3;
    if (pos > size || size - pos < bytes)
        die("'%s' is truncated: %dx%d pixels need %zu bytes of data", path, im.width, im.height, bytes);
    im.rgb = malloc(bytes);
    if (!im.rgb) die("out of memory");
    memcpy(im.rgb, d + pos, bytes);
    free(d);
    return im;
}

/* Bilinear resize, sampling at pixel centres. */
static image resize_bilinear(image in, int width, int height) {
    image out = {width, height, malloc((size_t)width * height * 3)};
    if (!out.rgb) die("out of memory");
    for (int y = 0; y < height; y++) {
        float sy = ((float)y + 0.5f) * (float)in.height / (float)height - 0.5f;
        if (sy < 0) sy = 0;
        int y0 = (int)sy, y1 = y0 + 1 < in.height ? y0 + 1 : y0;
        float fy = sy - (float)y0;
        for (int x = 0; x < width; x++) {
            float sx = ((float)x + 0.5f) * (float)in.width / (float)width - 0.5f;
            if (sx < 0) sx = 0;
            int x0 = (int)sx, x1 = x0 + 1 < in.width ? x0 + 1 : x0;
            float fx = sx - (float)x0;
            for (int c = 0; c < 3; c++) {
#define PX(xx, yy) ((float)in.rgb[((size_t)(yy) * in.width + (xx)) * 3 + c])
                float top = PX(x0, y0) + (PX(x1, y0) - PX(x0, y0)) * fx;
                float bottom = PX(x0, y1) + (PX(x1, y1) - PX(x0, y1)) * fx;
#undef PX
                out.rgb[((size_t)y * width + x) * 3 + c] =
                    (unsigned char)(top + (bottom - top) * fy + 0.5f);
            }
        }
    }
    return out;
}

/* ---- reading the reference output (.npy) ------------------------------------------------ */

/* Loads a little-endian float32, C-order .npy file; returns the number of values. */
static float *load_npy_f32(const char *path, size_t *count) {
    size_t size;
    unsigned char *d = read_file(path, &size);
    if (size < 10 || memcmp(d, "\x93NUMPY", 6) != 0) die("'%s' is not a .npy file", path);
    size_t header_len, start;
    if (d[6] == 1) { /* version 1.0: 2-byte header length; 2.0 and 3.0: 4 bytes */
        header_len = d[8] | (size_t)d[9] << 8;
        start = 10;
    } else if ((d[6] == 2 || d[6] == 3) && size >= 12) {
        header_len = d[8] | (size_t)d[9] << 8 | (size_t)d[10] << 16 | (size_t)d[11] << 24;
        start = 12;
    } else {
        die("'%s': unsupported .npy version %d", path, d[6]);
    }
    if (size - start < header_len) die("'%s': truncated .npy header", path);

    /* The header is a Python dict literal, e.g.
     *   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 1000), } */
    char header[1024];
    size_t n = header_len < sizeof header - 1 ? header_len : sizeof header - 1;
    memcpy(header, d + start, n);
    while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\n')) n--; /* padding */
    header[n] = '\0';
    const char *descr = strstr(header, "'descr'");
    const char *fortran = strstr(header, "'fortran_order'");
    const char *shape = strstr(header, "'shape'");
    if (!descr || !fortran || !shape) die("'%s': malformed .npy header: %s", path, header);
    descr = strchr(descr + 7, '\'');
    if (!descr || strncmp(descr, "'<f4'", 5) != 0)
        die("'%s' must hold little-endian float32 ('<f4') values; header: %s", path, header);
    fortran += strlen("'fortran_order'");
    while (*fortran == ':' || *fortran == ' ') fortran++;
    if (strncmp(fortran, "False", 5) != 0) die("'%s' is in Fortran order; save it in C order", path);
    shape = strchr(shape, '(');
    if (!shape) die("'%s': malformed shape in .npy header: %s", path, header);
    size_t elements = 1;
    for (const char *p = shape + 1; *p && *p != ')'; p++)
        if (*p >= '0' && *p <= '9') {
            char *end;
            elements *= strtoul(p, &end, 10);
            p = end - 1;
        }

    start += header_len;
    if ((size - start) / 4 < elements)
        die("'%s' is truncated: its shape needs %zu values", path, elements);
    float *values = malloc(elements * sizeof *values + 1);
    if (!values) die("out of memory");
    for (size_t i = 0; i < elements; i++) { /* decode little-endian whatever the host is */
        const unsigned char *b = d + start + 4 * i;
        uint32_t bits = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        memcpy(&values[i], &bits, sizeof bits);
    }
    free(d);
    *count = elements;
    return values;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int parse_int(const char *flag, const char *value) {
    char *end;
    long v = value ? strtol(value, &end, 10) : 0;
    if (!value || *end != '\0' || v < 0 || v > 1000000)
        die("%s needs a non-negative integer, got '%s'", flag, value ? value : "nothing");
    return (int)v;
}

_Noreturn static void usage(void) {
    fprintf(stderr, "usage: classify [--threads N] [--runs N] [--compare reference.npy] image.ppm\n"
                    "  --threads N   worker threads (default: one per core)\n"
                    "  --runs N      timed runs after one warm-up (default 50, at least %d)\n"
                    "  --compare F   compare the output with a float32 .npy reference\n",
            MIN_RUNS);
    exit(1);
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    int threads = 0, runs = 50;
    const char *compare_path = NULL, *image_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0) threads = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--runs") == 0) runs = parse_int(argv[i], argv[i + 1]), i++;
        else if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc) compare_path = argv[++i];
        else if (argv[i][0] == '-' || image_path) usage();
        else image_path = argv[i];
    }
    if (!image_path) usage();

    printf("NOTE: the bundled weights are seeded random numbers, not trained ones:\n"
           "      the predicted classes are meaningless. This example shows speed and\n"
           "      agreement with the reference interpreter, not image recognition.\n\n");
    if (runs < MIN_RUNS) {
        printf("note: --runs raised from %d to %d; fewer runs give unreliable timings\n", runs,
               MIN_RUNS);
        runs = MIN_RUNS;
    }

    /* 1. What does the model expect? Images are {H, W, C}. */
    const netc_model *model = netc_mobilenet_v1_model();
    const netc_tensor_info *in_info = netc_model_input(model, 0);
    const netc_tensor_info *out_info = netc_model_output(model, 0);
    if (!in_info || !out_info || in_info->rank != 3 || in_info->shape[2] != 3)
        die("the model does not take one RGB image");
    int in_h = (int)in_info->shape[0], in_w = (int)in_info->shape[1];
    size_t num_classes = 1;
    for (int d = 0; d < out_info->rank; d++) num_classes *= (size_t)out_info->shape[d];
    printf("model %s (Halide target %s): input %dx%dx3, %zu outputs, %.1f MiB workspace\n",
           netc_model_name(model), netc_model_target(model), in_h, in_w, num_classes,
           (double)netc_model_workspace_bytes(model) / (1024.0 * 1024.0));

    /* 2. Load the image and bring it to the model's input size. */
    image im = load_ppm(image_path);
    if (im.width != in_w || im.height != in_h) {
        printf("resizing %s from %dx%d to %dx%d (bilinear)\n", image_path, im.width, im.height,
               in_w, in_h);
        image resized = resize_bilinear(im, in_w, in_h);
        free(im.rgb);
        im = resized;
    }

    /* 3. Create a session: every buffer the model needs is allocated here, once. */
    netc_session *session;
    netc_status st = netc_session_create(model, &session);
    if (st != NETC_OK) die("cannot create a session: %s", netc_status_string(st));
    netc_set_num_threads(threads); /* 0: one per core */
    if (threads == 0) threads = (int)sysconf(_SC_NPROCESSORS_ONLN);

    /* The caller owns the tensors. The input is raw 8-bit RGB in HWC order; the runtime
     * normalises it with the model's per-channel mean and scale. */
    float *probabilities = malloc(num_classes * sizeof *probabilities);
    if (!probabilities) die("out of memory");
    netc_tensor input = {NETC_UINT8, 3, {in_h, in_w, 3}, im.rgb};
    netc_tensor output = {NETC_FLOAT32, out_info->rank, {0}, probabilities};
    memcpy(output.shape, out_info->shape, sizeof output.shape);

    /* 4. One warm-up run (first-touch page faults, thread pool start-up), then timed runs. */
    if (netc_run(session, &input, 1, &output, 1) != NETC_OK)
        die("inference failed: %s", netc_session_error(session));
    double *ms = malloc((size_t)runs * sizeof *ms);
    if (!ms) die("out of memory");
    for (int i = 0; i < runs; i++) {
        double start = now_ms();
        if (netc_run(session, &input, 1, &output, 1) != NETC_OK)
            die("inference failed: %s", netc_session_error(session));
        ms[i] = now_ms() - start;
    }
    qsort(ms, (size_t)runs, sizeof *ms, compare_doubles);
    double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;

    /* 5. The five most probable classes. */
    printf("\ntop-5 classes (meaningless: random weights):\n");
    int top[5];
    int k = num_classes < 5 ? (int)num_classes : 5;
    for (int j = 0; j < k; j++) {
        top[j] = -1;
        for (size_t c = 0; c < num_classes; c++) {
            int taken = 0;
            for (int t = 0; t < j; t++) taken |= top[t] == (int)c;
            if (!taken && (top[j] < 0 || probabilities[c] > probabilities[top[j]])) top[j] = (int)c;
        }
        printf("  class %4d  probability %.6f\n", top[j], probabilities[top[j]]);
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
    }

    netc_session_destroy(session);
    free(ms);
    free(probabilities);
    free(im.rgb);
    return 0;
}
