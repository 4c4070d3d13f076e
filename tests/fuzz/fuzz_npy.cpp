// A NumPy .npy input, as `netc run --input` and `netc check --input` read it.
#include "io/npy.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".npy", [](const std::string &path) { netc::read_npy(path); });
}
