// netc's tensors are channels-last (HWC); ONNX's are channels-first (CHW, batch 1). The two
// conversions, for code that hands tensors between them (ONNX Runtime, ONNX test data).
#pragma once

#include <cstdint>
#include <vector>

namespace netc {

template <typename To, typename From>
std::vector<To> hwc_to_chw(const std::vector<From> &v, int64_t c, int64_t h, int64_t w) {
    std::vector<To> out(v.size());
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
            for (int64_t ch = 0; ch < c; ch++) out[size_t((ch * h + y) * w + x)] = To(v[size_t((y * w + x) * c + ch)]);
    return out;
}

template <typename To, typename From>
std::vector<To> chw_to_hwc(const std::vector<From> &v, int64_t c, int64_t h, int64_t w) {
    std::vector<To> out(v.size());
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
            for (int64_t ch = 0; ch < c; ch++) out[size_t((y * w + x) * c + ch)] = To(v[size_t((ch * h + y) * w + x)]);
    return out;
}

}  // namespace netc
