// A weights file in the safetensors container (what `netc weights` writes and specs name).
#include "spec/safetensors.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".safetensors", [](const std::string &path) { netc::read_safetensors(path); });
}
