// Spec JSON through everything `netc summary` does before weights: parse, expand composite
// blocks, infer shapes. A CompileError is the expected answer to a bad spec; anything else
// (a crash, a sanitizer report, another exception) is a defect.
#include "spec/load_model.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".json", [](const std::string &path) { netc::load_model_structure(path); });
}
