// An image, as `netc run --input` reads it: JPEG (libjpeg-turbo), PNG (libpng) or binary PPM,
// told apart by their first bytes (io/image.h).
#include "io/image.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".img", [](const std::string &path) { netc::read_image(path); });
}
