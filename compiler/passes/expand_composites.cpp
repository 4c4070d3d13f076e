#include "passes/passes.h"

#include "spec/diagnostic.h"

namespace netc {

namespace {

// Appends `l`; returns its index.
int append(std::vector<Layer> &out, Layer l) {
    out.push_back(std::move(l));
    return int(out.size()) - 1;
}

Layer sublayer(const Layer &composite, const std::string &suffix, OpKind op, int input) {
    Layer l;
    l.name = composite.name + suffix;
    l.op = op;
    l.inputs = {input};
    l.origin = composite.origin + " (" + op_name(composite.op) + " '" + composite.name + "')";
    l.act = composite.act;  // the numbers of the composite's activation (clip, leaky_relu), wherever it lands
    return l;
}

// The channels of layer `i` of a partly expanded graph (composites need them to size
// their expansion; shape inference is cheap and pure, so it simply runs on the prefix).
int channels_of(const Graph &partial, int i) {
    Graph prefix = partial;
    prefix.layers.resize(size_t(i) + 1);
    prefix.outputs = {i};
    return infer_shapes(prefix).layers[size_t(i)].out.c;
}

// MobileNetV2/V3's block: [expand 1x1 + BN + act] → depthwise + BN + act → [squeeze-excite]
// → project 1x1 + BN (linear) → [+ input when the stride is 1 and the channels match].
int expand_inverted_residual(const Layer &s, int input, int in_channels, std::vector<Layer> &out) {
    auto push = [&](Layer l) { return append(out, std::move(l)); };
    auto conv_bn = [&](const std::string &suffix, OpKind op, int at, int filters, Activation act) {
        Layer c = sublayer(s, suffix, op, at);
        c.filters = filters;
        if (op == OpKind::DepthwiseConv2D) {
            c.kernel_h = s.kernel_h, c.kernel_w = s.kernel_w;
            c.stride_h = s.stride_h, c.stride_w = s.stride_w;
            c.padding = s.padding;
        }
        c.bias = false;
        at = push(c);
        Layer bn = sublayer(s, suffix + "_bn", OpKind::BatchNorm, at);
        bn.epsilon = s.epsilon;
        at = push(bn);
        if (act != Activation::None) at = push(sublayer(s, suffix + "_" + activation_name(act), op_of_activation(act), at));
        return at;
    };
    const int expanded = s.expand_channels ? s.expand_channels : in_channels * s.expansion;
    int at = input;
    if (expanded != in_channels) at = conv_bn("_expand", OpKind::Conv2D, at, expanded, s.activation);
    at = conv_bn("_dw", OpKind::DepthwiseConv2D, at, 0, s.activation);
    if (s.se_channels > 0) {
        const int body = at;
        at = push(sublayer(s, "_se_pool", OpKind::GlobalAvgPool, at));
        Layer reduce = sublayer(s, "_se_reduce", OpKind::Conv2D, at);
        reduce.filters = s.se_channels, reduce.bias = true, reduce.activation = Activation::Relu;
        at = push(reduce);
        Layer expand = sublayer(s, "_se_expand", OpKind::Conv2D, at);
        expand.filters = expanded, expand.bias = true, expand.activation = s.se_gate;
        at = push(expand);
        Layer scale = sublayer(s, "_se_scale", OpKind::Mul, body);
        scale.inputs = {body, at};
        at = push(scale);
    }
    at = conv_bn("_project", OpKind::Conv2D, at, s.filters, Activation::None);
    if (s.stride_h == 1 && s.stride_w == 1 && in_channels == s.filters) {
        Layer add = sublayer(s, "_add", OpKind::Add, input);
        add.inputs = {input, at};
        at = push(add);
    }
    return at;
}

// Appends the layers of one separable_conv; returns the index of the last one.
int expand_separable(const Layer &s, int input, std::vector<Layer> &out) {
    auto push = [&](Layer l) { return append(out, std::move(l)); };
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
    // Keras' SeparableConv2D (Xception) has nothing between the two convs, not even a bias.
    dw.bias = s.normalize_depthwise && s.bias;
    int dw_at = push(dw);
    if (s.normalize_depthwise) dw_at = push_bn_and_activation("_dw", dw_at);

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
        if (l.op == OpKind::SeparableConv || l.op == OpKind::InvertedResidual) {
            const size_t first = out.layers.size();
            remap[i] = l.op == OpKind::SeparableConv
                           ? expand_separable(l, l.inputs[0], out.layers)
                           : expand_inverted_residual(l, l.inputs[0], channels_of(out, l.inputs[0]), out.layers);
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
    for (int &f : out.detection.feature_layers) f = remap[size_t(f)];
    return out;
}

}  // namespace netc
