// Binary PPM (P6) images: the one image format netc reads without extra libraries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // HWC, 3 channels
};

Image read_ppm(const std::string &path);

}  // namespace netc
