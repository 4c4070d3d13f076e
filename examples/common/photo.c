/* JPEG and PNG photos for the examples, through libjpeg(-turbo) and libpng (Debian's
 * libjpeg-dev and libpng-dev). Build with -DEXAMPLE_PHOTOS and link -ljpeg -lpng; without them
 * the examples read binary PPM only (support.c), as on a board with no image libraries. */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h> /* before jpeglib.h, which uses size_t and FILE without including them */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "support.h"

struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void jpeg_failed(j_common_ptr cinfo) {
    longjmp(((struct jpeg_failure *)cinfo->err)->jump, 1);
}

static image load_jpeg(const char *path, const unsigned char *data, size_t size) {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_failure err;
    image im = {0, 0, NULL};
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_failed;
    if (setjmp(err.jump)) {
        char message[JMSG_LENGTH_MAX];
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, message);
        jpeg_destroy_decompress(&cinfo);
        die("'%s': cannot decode the JPEG: %s", path, message);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((long long)cinfo.image_width * cinfo.image_height > (1LL << 26))
        die("'%s': %ux%u pixels is more than this example decodes", path, cinfo.image_width, cinfo.image_height);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    im.width = (int)cinfo.output_width;
    im.height = (int)cinfo.output_height;
    im.rgb = malloc((size_t)im.width * im.height * 3);
    if (!im.rgb) die("out of memory");
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = im.rgb + (size_t)cinfo.output_scanline * im.width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    if (err.mgr.num_warnings) die("'%s': the JPEG is corrupt or truncated", path);
    jpeg_destroy_decompress(&cinfo);
    return im;
}

static image load_png(const char *path, const unsigned char *data, size_t size) {
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, data, size)) die("'%s': cannot decode the PNG: %s", path, png.message);
    if ((long long)png.width * png.height > (1LL << 26)) die("'%s': %ux%u pixels is more than this example decodes", path, png.width, png.height);
    png.format = PNG_FORMAT_RGB;
    image im = {(int)png.width, (int)png.height, malloc(PNG_IMAGE_SIZE(png))};
    if (!im.rgb) die("out of memory");
    if (!png_image_finish_read(&png, NULL, im.rgb, 0, NULL)) die("'%s': cannot decode the PNG: %s", path, png.message);
    return im;
}

image load_photo(const char *path) {
    size_t size;
    unsigned char *d = read_file(path, &size);
    image im;
    if (size >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) {
        im = load_jpeg(path, d, size);
    } else if (size >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        im = load_png(path, d, size);
    } else {
        free(d);
        return load_ppm(path);
    }
    free(d);
    return im;
}
