#include "passes/passes.h"

#include "spec/diagnostic.h"

namespace netc {

namespace {

Layer sublayer(const Layer &composite, const std::string &suffix, OpKind op, int input) {
    Layer l;
    l.name = composite.name + suffix;
    l.op = op;
    l.inputs = {input};
    l.origin = composite.origin + " (separable_conv '" + composite.name + "')";
    return l;
}

// Appends the layers of one separable_conv; returns the index of the last one.
int expand_separable(const Layer &s, int input, std::vector<Layer> &out) {
    auto push = [&](Layer l) {
        out.push_back(std::move(l));
        return int(out.size()) - 1;
    };
    // `at` is the conv just pushed; returns the last layer of conv + BN + activation.
    auto push_bn_and_activation = [&](const std::string &prefix, int at) {
        if (!s.batchnorm) {
            // No BN: the activation belongs to the conv directly.
            out[size_t(at)].activation = s.activation;
            return at;
        }
        Layer bn = sublayer(s, prefix + "_bn", OpKind::BatchNorm, at);
        bn.epsilon = s.epsilon;
        at = push(bn);
        if (s.activation != Activation::None) {
            at = push(sublayer(s, prefix + "_" + activation_name(s.activation), op_of_activation(s.activation), at));
        }
        return at;
    };

    Layer dw = sublayer(s, "_dw", OpKind::DepthwiseConv2D, input);
    dw.kernel_h = s.kernel_h, dw.kernel_w = s.kernel_w;
    dw.stride_h = s.stride_h, dw.stride_w = s.stride_w;
    dw.padding = s.padding;
    dw.multiplier = s.multiplier;
    dw.bias = s.bias;
    int dw_at = push(dw);
    dw_at = push_bn_and_activation("_dw", dw_at);

    Layer pw = sublayer(s, "_pw", OpKind::Conv2D, dw_at);
    pw.filters = s.filters;
    pw.padding.mode = Padding::Valid;
    pw.bias = s.bias;
    int pw_at = push(pw);
    return push_bn_and_activation("_pw", pw_at);
}

}  // namespace

Graph expand_composites(const Graph &g) {
    Graph out = g;
    out.layers.clear();
    std::vector<int> remap(g.layers.size(), -1);
    for (size_t i = 0; i < g.layers.size(); i++) {
        Layer l = g.layers[i];
        for (int &in : l.inputs) in = remap[size_t(in)];
        if (l.op == OpKind::SeparableConv) {
            const size_t first = out.layers.size();
            remap[i] = expand_separable(l, l.inputs[0], out.layers);
            // Sub-layer names ("<name>_dw", ...) name weights too: they must not collide.
            for (size_t k = first; k < out.layers.size(); k++)
                for (const Layer &other : g.layers)
                    if (other.name == out.layers[k].name)
                        fail(g.spec_file, l.name, l.origin + ".name",
                             "expands to a layer named '" + other.name + "', which the spec also uses; rename one of them");
        } else {
            out.layers.push_back(std::move(l));
            remap[i] = int(out.layers.size()) - 1;
        }
    }
    for (int &o : out.outputs) o = remap[size_t(o)];
    return out;
}

}  // namespace netc
