#include "io/image.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>

#include "spec/diagnostic.h"

namespace netc {

namespace {
int read_header_int(std::istream &in, const std::string &path) {
    int c;
    while ((c = in.peek()) != EOF && (std::isspace(c) || c == '#')) {
        if (c == '#') {
            std::string comment;
            std::getline(in, comment);
        } else {
            in.get();
        }
    }
    int v = -1;
    if (!(in >> v) || v <= 0) fail(path, "", "", "malformed PPM header");
    return v;
}

enum class ImageFormat { None, Jpeg, Png, Ppm };

// The format `path` starts like (its first bytes); None for anything else or an unreadable file.
ImageFormat sniff_format(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    std::string head(8, '\0');
    f.read(&head[0], 8);  // nothing from a file that did not open
    head.resize(size_t(f.gcount()));
    auto starts_with = [&](const char *magic, size_t n) { return head.size() >= n && head.compare(0, n, magic, n) == 0; };
    if (starts_with("\xff\xd8\xff", 3)) return ImageFormat::Jpeg;
    if (starts_with("\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
    if (starts_with("P6", 2)) return ImageFormat::Ppm;
    return ImageFormat::None;
}

}  // namespace

bool looks_like_image(const std::string &path) { return sniff_format(path) != ImageFormat::None; }

std::string pixel_limit_problem(int64_t width, int64_t height) {
    if (width * height <= kMaxImagePixels) return "";
    return "the header declares " + std::to_string(width) + "x" + std::to_string(height) + " pixels, more than the " +
           std::to_string(kMaxImagePixels) + " netc decodes";
}

Image read_image(const std::string &path) {
    switch (sniff_format(path)) {
    case ImageFormat::Jpeg: return read_jpeg(path);
    case ImageFormat::Png: return read_png(path);
    case ImageFormat::Ppm: return read_ppm(path);
    case ImageFormat::None: break;
    }
    if (!std::ifstream(path)) fail(path, "", "", "cannot open the image");
    fail(path, "", "", "not an image netc reads: JPEG, PNG or binary PPM (P6), told by their first bytes");
}

void draw_box(Image &img, float ymin, float xmin, float ymax, float xmax, const uint8_t rgb[3], int thickness) {
    auto px = [](float f, int n) { return std::min(std::max(int(f * float(n)), 0), n - 1); };
    const int y0 = px(ymin, img.height), y1 = px(ymax, img.height), x0 = px(xmin, img.width), x1 = px(xmax, img.width);
    auto put = [&](int y, int x) {
        if (y < 0 || y >= img.height || x < 0 || x >= img.width) return;
        uint8_t *p = &img.rgb[(size_t(y) * size_t(img.width) + size_t(x)) * 3];
        p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2];
    };
    for (int t = 0; t < thickness; t++) {
        for (int x = x0; x <= x1; x++) put(y0 + t, x), put(y1 - t, x);
        for (int y = y0; y <= y1; y++) put(y, x0 + t), put(y, x1 - t);
    }
}

Image read_ppm(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(path, "", "", "cannot open the image");
    std::string magic(2, ' ');
    f.read(&magic[0], 2);
    if (magic != "P6") fail(path, "", "", "not a binary PPM (P6) image; convert it first (e.g. with ImageMagick: convert in.jpg out.ppm)");
    Image img;
    img.width = read_header_int(f, path);
    img.height = read_header_int(f, path);
    if (read_header_int(f, path) != 255) fail(path, "", "", "only 8-bit PPM (maxval 255) is supported");
    const std::string too_large = pixel_limit_problem(img.width, img.height);
    if (!too_large.empty()) fail(path, "", "", too_large);
    f.get();
    // The header's size is checked against the file before anything is reserved: a few bytes
    // of header may declare any size (a hand-made input to the image fuzz harness: 100000x100000
    // asked for 30 GB).
    const std::streamoff data_start = f.tellg();
    f.seekg(0, std::ios::end);
    const std::streamoff end = f.tellg();
    const std::streamoff held = data_start < 0 || end < data_start ? 0 : end - data_start;
    f.seekg(data_start);
    const uint64_t declared = uint64_t(img.width) * uint64_t(img.height) * 3;
    if (declared > uint64_t(held))
        fail(path, "", "", "truncated image data: the header says " + std::to_string(img.width) + "x" + std::to_string(img.height) + " (" +
                               std::to_string(declared) + " bytes of pixels), the file holds " + std::to_string(held));
    img.rgb.resize(size_t(declared));
    f.read(reinterpret_cast<char *>(img.rgb.data()), std::streamsize(img.rgb.size()));
    if (f.gcount() != std::streamsize(img.rgb.size())) fail(path, "", "", "truncated image data");
    return img;
}

}  // namespace netc
