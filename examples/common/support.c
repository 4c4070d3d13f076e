#define _POSIX_C_SOURCE 200809L

#include "support.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Prints an error and exits with status 1. */
_Noreturn void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", program_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* Reads a whole file into memory. */
unsigned char *read_file(const char *path, size_t *size) {
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

image load_ppm(const char *path) {
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
image resize_bilinear(image in, int width, int height) {
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

image center_crop(image in, int width, int height, double fraction) {
    /* Scale so that the crop (width x height) is `fraction` of the shorter side, then take the middle. */
    double s = (double)width / in.width > (double)height / in.height ? (double)width / in.width : (double)height / in.height;
    s /= fraction;
    int w = (int)(in.width * s + 0.5), h = (int)(in.height * s + 0.5);
    if (w < width) w = width;
    if (h < height) h = height;
    image scaled = resize_bilinear(in, w, h);
    image out = {width, height, malloc((size_t)width * height * 3)};
    if (!out.rgb) die("out of memory");
    int top = (h - height) / 2, left = (w - width) / 2;
    for (int y = 0; y < height; y++)
        memcpy(out.rgb + (size_t)y * width * 3, scaled.rgb + ((size_t)(y + top) * w + left) * 3, (size_t)width * 3);
    free(scaled.rgb);
    return out;
}

float *resize_align_corners(image in, int width, int height) {
    float *out = malloc((size_t)width * height * 3 * sizeof *out);
    if (!out) die("out of memory");
    const float sy = height > 1 ? (float)(in.height - 1) / (float)(height - 1) : 0.0f;
    const float sx = width > 1 ? (float)(in.width - 1) / (float)(width - 1) : 0.0f;
    for (int y = 0; y < height; y++) {
        float fy = (float)y * sy;
        int y0 = (int)fy, y1 = y0 + 1 < in.height ? y0 + 1 : y0;
        fy -= (float)y0;
        for (int x = 0; x < width; x++) {
            float fx = (float)x * sx;
            int x0 = (int)fx, x1 = x0 + 1 < in.width ? x0 + 1 : x0;
            fx -= (float)x0;
            for (int c = 0; c < 3; c++) {
#define PX(xx, yy) ((float)in.rgb[((size_t)(yy) * in.width + (xx)) * 3 + c])
                float top = PX(x0, y0) + (PX(x1, y0) - PX(x0, y0)) * fx;
                float bottom = PX(x0, y1) + (PX(x1, y1) - PX(x0, y1)) * fx;
#undef PX
                out[((size_t)y * width + x) * 3 + c] = top + (bottom - top) * fy;
            }
        }
    }
    return out;
}

char **load_labels(const char *path, size_t count) {
    size_t size;
    unsigned char *text = read_file(path, &size);
    char **labels = calloc(count, sizeof *labels);
    if (!labels) die("out of memory");
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < count; i++) {
        if (i == size || text[i] == '\n') {
            size_t end = i > start && text[i - 1] == '\r' ? i - 1 : i;
            if (i == size && end == start) break; /* no last line after a final newline */
            labels[n] = malloc(end - start + 1);
            if (!labels[n]) die("out of memory");
            memcpy(labels[n], text + start, end - start);
            labels[n++][end - start] = '\0';
            start = i + 1;
        }
    }
    free(text);
    if (n < count) die("'%s' names %zu classes, the model has %zu", path, n, count);
    return labels;
}

/* ---- reading the reference output (.npy) ------------------------------------------------ */

/* Loads a little-endian float32, C-order .npy file; returns the number of values. */
float *load_npy_f32(const char *path, size_t *count) {
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

double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median_ms(double *ms, int n) {
    qsort(ms, (size_t)n, sizeof *ms, compare_doubles);
    return n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
}

int parse_int(const char *flag, const char *value) {
    char *end;
    long v = value ? strtol(value, &end, 10) : 0;
    if (!value || *end != '\0' || v < 0 || v > 1000000)
        die("%s needs a non-negative integer, got '%s'", flag, value ? value : "nothing");
    return (int)v;
}

