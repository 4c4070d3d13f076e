#include "cli/model_inputs.h"

#include <cstring>

#include "io/image.h"
#include "io/npy.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {
bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::vector<float> load_input(const Graph &g, const std::string &path) {
    const Shape s = g.input.shape;
    const std::string want = "[" + std::to_string(s.h) + ", " + std::to_string(s.w) + ", " + std::to_string(s.c) + "]";
    if (ends_with(path, ".npy")) {
        NpyArray a = read_npy(path);
        std::vector<int64_t> hwc = {s.h, s.w, s.c}, nhwc = {1, s.h, s.w, s.c};
        if (a.shape != hwc && a.shape != nhwc) fail(path, g.input.name, "shape", "the model's input is " + want + " (HWC float32)");
        return a.data;
    }
    if (ends_with(path, ".ppm")) {
        Image img = read_ppm(path);
        if (s.c != 3 || img.width != s.w || img.height != s.h)
            fail(path, g.input.name, "shape", "the image is " + std::to_string(img.height) + "x" + std::to_string(img.width) +
                                                  "x3, the model's input is " + want + "; resize it first");
        std::vector<float> out(img.rgb.size());
        for (size_t i = 0; i < out.size(); i++) out[i] = (float(img.rgb[i]) - g.input.mean[i % 3]) * g.input.scale[i % 3];
        return out;
    }
    const std::string b = read_file(path, "input");
    if (int64_t(b.size()) != s.elements() * 4)
        fail(path, g.input.name, "", "a raw float32 input must have " + std::to_string(s.elements() * 4) + " bytes (" + want + "), it has " +
                                         std::to_string(b.size()));
    std::vector<float> out(size_t(s.elements()));
    std::memcpy(out.data(), b.data(), b.size());
    return out;
}

std::vector<float> seeded_input(const Graph &g, uint64_t seed) {
    std::vector<float> out(size_t(g.input.shape.elements()));
    uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (float &v : out) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
        v = float(state >> 40) / 8388608.0f - 1.0f;
    }
    return out;
}

}  // namespace netc
