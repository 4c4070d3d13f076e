#include "spec/calibrate_batchnorm.h"

#include <algorithm>
#include <cmath>

#include "reference/reference.h"

namespace netc {

namespace {

// Per-channel statistics of one HWC tensor, written into a batchnorm's mean and var.
void set_statistics(Layer &bn, const std::vector<float> &x) {
    const int c = bn.out.c;
    const int64_t pixels = int64_t(x.size()) / c;
    std::vector<double> mean(static_cast<size_t>(c), 0.0), var(static_cast<size_t>(c), 0.0);
    // A handful of pixels says little about one channel (a 1x1 map has no spread at all, and
    // a channel that happens to be near zero there would get a huge gain that another input
    // then exposes). There, every channel gets the layer's mean square about zero.
    const bool few_pixels = pixels < 16;
    for (int64_t p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++) mean[size_t(ch)] += x[size_t(p * c + ch)];
    for (double &m : mean) m = few_pixels ? 0.0 : m / double(pixels);
    for (int64_t p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++) {
            const double d = x[size_t(p * c + ch)] - mean[size_t(ch)];
            var[size_t(ch)] += d * d;
        }
    double average_var = 0;
    for (double &v : var) average_var += (v /= double(pixels)) / c;
    if (few_pixels) var.assign(var.size(), average_var);
    // Elsewhere, a nearly constant channel (e.g. all zeros after a ReLU) would otherwise be amplified
    // by 1/sqrt(epsilon), turning rounding noise into signal.
    const double floor = std::max(1e-2 * average_var, 1e-6);
    Tensor &m = bn.params.at("mean"), &s = bn.params.at("var");
    for (int ch = 0; ch < c; ch++) {
        m.data[size_t(ch)] = float(mean[size_t(ch)]);
        s.data[size_t(ch)] = float(std::max(var[size_t(ch)], floor));
    }
}

}  // namespace

// What a normalised photo roughly spans.
std::vector<float> calibration_input(int64_t n, uint64_t seed) {
    std::vector<float> v(static_cast<size_t>(n));
    uint64_t state = seed ^ 0x6a09e667f3bcc908ull;
    for (float &x : v) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x = float(state >> 40) / 8388608.0f - 1.0f;
    }
    return v;
}

Graph calibrate_batchnorm(const Graph &g, uint64_t seed) {
    Graph out = g;
    run_reference(out, calibration_input(out.input.shape.elements(), seed), [](Graph &graph, int layer, const std::vector<float> &value) {
        for (int reader : graph.consumers(layer)) {
            Layer &l = graph.layers[size_t(reader)];
            if (l.op == OpKind::BatchNorm && l.params.count("mean") && l.params.count("var")) set_statistics(l, value);
        }
    });
    return out;
}

}  // namespace netc
