#include <cmath>

#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Fused into the op that produces v, or a stage of its own (lower_elementwise).
Expr apply_activation(Expr v, Activation a, const ActivationParams &p) {
    switch (a) {
    case Activation::None: return v;
    case Activation::Relu: return max(v, 0.0f);
    case Activation::Relu6: return clamp(v, 0.0f, 6.0f);
    case Activation::HSigmoid: return clamp(v + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
    case Activation::HSwish: return v * clamp(v + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
    case Activation::Sigmoid: return 1.0f / (1.0f + exp(-v));
    case Activation::Clip: {
        // An absent bound is infinite: no instruction for it (and an infinite input stays so).
        if (std::isfinite(p.alpha)) v = max(v, p.alpha);
        if (std::isfinite(p.beta)) v = min(v, p.beta);
        return v;
    }
    case Activation::LeakyRelu: return select(v >= 0.0f, v, v * p.alpha);
    case Activation::HardSigmoid: return clamp(v * p.alpha + p.beta, 0.0f, 1.0f);
    }
    return v;
}

}  // namespace netc
