#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

// Fused into the op that produces v, or a stage of its own (lower_elementwise).
Expr apply_activation(Expr v, Activation a) {
    switch (a) {
    case Activation::None: return v;
    case Activation::Relu: return max(v, 0.0f);
    case Activation::Relu6: return clamp(v, 0.0f, 6.0f);
    case Activation::HSigmoid: return clamp(v + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
    case Activation::HSwish: return v * clamp(v + 3.0f, 0.0f, 6.0f) * (1.0f / 6.0f);
    case Activation::Sigmoid: return 1.0f / (1.0f + exp(-v));
    }
    return v;
}

}  // namespace netc
