/* What the examples share besides the netc API: fatal errors, reading binary PPM images and
 * float32 .npy files, bilinear resizing, timing and flag parsing. Plain C, no dependencies. */
#ifndef NETC_EXAMPLE_SUPPORT_H
#define NETC_EXAMPLE_SUPPORT_H

#include <stddef.h>

extern const char *program_name; /* defined by each example, used in error messages */

/* Prints "<program>: error: ..." and exits with status 1. */
_Noreturn void die(const char *fmt, ...);

unsigned char *read_file(const char *path, size_t *size);

typedef struct {
    int width, height;
    unsigned char *rgb; /* height rows of width RGB pixels */
} image;

image load_ppm(const char *path); /* binary PPM (P6), maxval 255 */
/* JPEG, PNG or PPM, told by their first bytes: photo.c, built with -DEXAMPLE_PHOTOS and linked
 * with -ljpeg -lpng. */
image load_photo(const char *path);
image resize_bilinear(image in, int width, int height);
/* The center of `in` with the aspect ratio of width x height, its shorter side `fraction` of
 * the image's (torchvision's Resize(256) + CenterCrop(224) is 0.875), resized to width x height. */
image center_crop(image in, int width, int height, double fraction);
/* TF's resize_bilinear(align_corners=True): corner pixels land on corner pixels. The values
 * stay floats (0..255, not rounded back to 8 bits), as TF resizes normalised pixels. */
float *resize_align_corners(image in, int width, int height);

/* A little-endian float32, C-order .npy file; returns the values and their number. */
float *load_npy_f32(const char *path, size_t *count);

/* `count` lines of a text file (class names); dies naming the file if it has fewer. */
char **load_labels(const char *path, size_t count);

double now_ms(void);
double median_ms(double *ms, int n); /* sorts ms */
int parse_int(const char *flag, const char *value);

#endif
