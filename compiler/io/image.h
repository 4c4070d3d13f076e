// Photos in: JPEG (libjpeg-turbo), PNG (libpng) and binary PPM, decoded to 8-bit RGB, told apart
// by their first bytes whatever the file is called. Every decoder refuses an image whose
// declared size is past kMaxImagePixels, or larger than its file could hold, before reserving
// memory for it (docs/reliability.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // HWC, 3 channels
};

// 2^26 pixels (8192 x 8192): larger than any photo a CNN is shown, far below what a hostile
// header can declare.
constexpr int64_t kMaxImagePixels = int64_t(1) << 26;

Image read_image(const std::string &path);  // JPEG, PNG or PPM, by content
// What a decoder says of a header declaring width x height pixels past kMaxImagePixels; "" if within.
std::string pixel_limit_problem(int64_t width, int64_t height);
Image read_ppm(const std::string &path);
Image read_jpeg(const std::string &path);   // grayscale and CMYK are converted to RGB
Image read_png(const std::string &path);    // 8/16-bit, gray, palette, alpha (dropped), interlaced

void write_png(const std::string &path, const Image &img);  // 8-bit RGB

// A rectangle outline `thickness` pixels wide, corners given as fractions of the image (as a
// detector's boxes are), clipped to the image.
void draw_box(Image &img, float ymin, float xmin, float ymax, float xmax, const uint8_t rgb[3], int thickness);

// Whether `path` starts like an image netc reads (for inputs given without a known extension).
bool looks_like_image(const std::string &path);

}  // namespace netc
