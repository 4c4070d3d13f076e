// PNG out (libpng's simplified API): the photo with a detector's boxes drawn, from netc run.
#include <png.h>

#include "io/image.h"
#include "spec/diagnostic.h"

namespace netc {

void write_png(const std::string &path, const Image &img) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = png_uint_32(img.width);
    png.height = png_uint_32(img.height);
    png.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&png, path.c_str(), 0, img.rgb.data(), 0, nullptr))
        fail(path, "", "", std::string("cannot write the PNG: ") + png.message);
}

}  // namespace netc
