#include <cmath>
#include <cstdio>

#include "passes/passes.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

// MobileNetV2/V3's rounding (torchvision's _make_divisible): nearest multiple of d, but
// never more than 10% below the exact value. With d = 1: floor, as Keras' MobileNetV1.
int scaled(int channels, double alpha, int d) {
    const double v = channels * alpha;
    if (d == 1) return std::max(1, int(v));
    int n = std::max(d, int(v + d / 2.0) / d * d);
    if (n < 0.9 * v) n += d;
    return n;
}

}  // namespace

Graph apply_multipliers(const Graph &g, double alpha, int input_size) {
    if (!(alpha > 0 && alpha <= 4)) fail("", "", "--alpha", "expected a width multiplier in (0, 4], got " + std::to_string(alpha));
    if (input_size < 0 || input_size > 8192) fail("", "", "--input-size", "expected a size in [1, 8192], got " + std::to_string(input_size));
    Graph out = g;
    if (alpha == 1.0 && (input_size == 0 || (input_size == g.input.shape.h && input_size == g.input.shape.w))) return out;
    if (input_size) out.input.shape.h = out.input.shape.w = input_size;
    const int d = out.width_divisor;
    for (Layer &l : out.layers) {
        if (!l.scale_width) continue;
        switch (l.op) {
        case OpKind::Conv2D:
        case OpKind::SeparableConv: l.filters = scaled(l.filters, alpha, d); break;
        case OpKind::InvertedResidual:
            l.filters = scaled(l.filters, alpha, d);
            if (l.expand_channels) l.expand_channels = scaled(l.expand_channels, alpha, d);
            if (l.se_channels) l.se_channels = scaled(l.se_channels, alpha, d);
            break;
        default: break;
        }
    }
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "_a%03d_%d", int(std::lround(alpha * 100)), out.input.shape.h);
    out.name += suffix;
    return out;
}

}  // namespace netc
