// An ONNX file through the importer, shape inference and weight binding: what `netc import`
// and `netc compile model.onnx` do before any code is generated.
#include "spec/load_model.h"
#include "fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return netc_fuzz::load_as_file(data, size, ".onnx", [](const std::string &path) { netc::load_model(path); });
}
