// PNG through libpng's simplified API (png_image): it converts every colour type and bit depth
// to 8-bit RGB itself and reports errors as messages, not longjmps through our frames.
#include <png.h>

#include "io/image.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

Image read_png(const std::string &path) {
    const std::string bytes = read_file(path, "image");
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
        fail(path, "", "", std::string("cannot decode the PNG: ") + png.message);
    const std::string too_large = pixel_limit_problem(png.width, png.height);
    if (!too_large.empty()) {
        png_image_free(&png);
        fail(path, "", "", too_large);
    }
    png.format = PNG_FORMAT_RGB;  // alpha dropped: composited on black, as libpng does without a background
    Image img;
    img.width = int(png.width);
    img.height = int(png.height);
    img.rgb.resize(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, img.rgb.data(), 0, nullptr)) {
        const std::string why = png.message;
        png_image_free(&png);
        fail(path, "", "", "cannot decode the PNG: " + why);
    }
    if (PNG_IMAGE_FAILED(png)) fail(path, "", "", std::string("the PNG is corrupt: ") + png.message);
    return img;
}

}  // namespace netc
