// The safetensors container: 8-byte little-endian header length, a JSON header
// {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the raw little-endian data. Reading checks everything a truncated or hand-edited
// file can get wrong before any value is used.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace netc {

struct SafetensorsEntry {
    std::vector<int64_t> shape;
    std::vector<float> data;
};

std::map<std::string, SafetensorsEntry> read_safetensors(const std::string &path);

void write_safetensors_file(const std::string &path, const std::map<std::string, SafetensorsEntry> &tensors);

}  // namespace netc
