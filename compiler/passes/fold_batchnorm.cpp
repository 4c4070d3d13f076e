#include "passes/passes.h"

#include <cmath>

namespace netc {

namespace {

bool is_linear_producer(const Layer &l) {
    return (l.op == OpKind::Conv2D || l.op == OpKind::DepthwiseConv2D || l.op == OpKind::Dense) &&
           l.activation == Activation::None;
}

// Scales output channel co of the producer by s[co] and sets its bias to the BN shift.
void fold_into(Layer &conv, const Layer &bn) {
    const auto &gamma = bn.params.at("gamma").data, &beta = bn.params.at("beta").data;
    const auto &mean = bn.params.at("mean").data, &var = bn.params.at("var").data;
    Tensor &w = conv.params.at("weight");
    const size_t out_channels = size_t(w.shape[0]);
    const size_t per_channel = w.data.size() / out_channels;
    Tensor bias{{int64_t(out_channels)}, std::vector<float>(out_channels, 0.0f)};
    if (conv.bias) bias = conv.params.at("bias");
    for (size_t co = 0; co < out_channels; co++) {
        // In double: the folded weights should be as close to exact as float allows.
        double s = double(gamma[co]) / std::sqrt(double(var[co]) + double(bn.epsilon));
        for (size_t k = 0; k < per_channel; k++) w.data[co * per_channel + k] = float(w.data[co * per_channel + k] * s);
        bias.data[co] = float(double(beta[co]) + (double(bias.data[co]) - double(mean[co])) * s);
    }
    conv.params["bias"] = bias;
    conv.bias = true;
}

}  // namespace

Graph fold_batchnorm(const Graph &g) {
    Graph cur = g;
    for (size_t j = 0; j < cur.layers.size(); j++) {
        const Layer &bn = cur.layers[j];
        if (bn.op != OpKind::BatchNorm) continue;
        const int p = bn.inputs[0];
        if (!is_linear_producer(cur.layers[size_t(p)]) || cur.consumers(p).size() != 1) continue;
        if (cur.is_output(p)) continue;  // its unnormalised value is observable
        fold_into(cur.layers[size_t(p)], bn);
        cur.layers[size_t(p)].absorbed.push_back(bn.name);
        cur = bypass_layer(cur, int(j));
        j--;
    }
    return cur;
}

}  // namespace netc
