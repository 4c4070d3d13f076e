// NumPy .npy files (float32, little-endian, C order): how `netc run` reads inputs and writes outputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

struct NpyArray {
    std::vector<int64_t> shape;
    std::vector<float> data;
};

NpyArray read_npy(const std::string &path);
void write_npy(const std::string &path, const NpyArray &a);

}  // namespace netc
