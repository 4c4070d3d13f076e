// An image, as `netc run --input` and the examples read it (binary PPM today; the JPEG and
// PNG decoders join this target when they land).
#include "io/image.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".ppm", [](const std::string &path) { netc::read_ppm(path); });
}
