#include "io/image.h"

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
}  // namespace

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
