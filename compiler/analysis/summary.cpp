#include "analysis/summary.h"

#include <cstdio>

#include "spec/weights.h"

namespace netc {

std::vector<LayerCost> layer_costs(const Graph &g) {
    std::vector<LayerCost> out;
    for (size_t i = 1; i < g.layers.size(); i++) {
        const Layer &l = g.layers[i];
        LayerCost c{int(i)};
        for (const auto &p : param_shapes(g, int(i))) {
            if (!p.trainable) continue;
            int64_t n = 1;
            for (int64_t d : p.shape) n *= d;
            c.params += n;
        }
        const Shape in = g.layers[size_t(l.inputs[0])].out;
        switch (l.op) {
        case OpKind::Conv2D: c.macs = l.out.elements() * (in.c / l.groups) * l.kernel_h * l.kernel_w; break;
        case OpKind::DepthwiseConv2D: c.macs = l.out.elements() * l.kernel_h * l.kernel_w; break;
        case OpKind::Dense: c.macs = in.elements() * l.out.c; break;
        default: break;  // elementwise ops, pooling and softmax: no multiply-accumulates
        }
        out.push_back(c);
    }
    return out;
}

namespace {
std::string with_commas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); i++) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}
}  // namespace

std::string summary_table(const Graph &g) {
    char line[256];
    std::string out;
    std::snprintf(line, sizeof line, "%-28s %-17s %-14s %12s %14s\n", "layer", "op", "output (HxWxC)", "params", "MACs");
    out += line;
    out += std::string(89, '-') + "\n";
    std::snprintf(line, sizeof line, "%-28s %-17s %-14s %12s %14s\n", g.layers[0].name.c_str(), "input",
                  to_string(g.layers[0].out).c_str(), "0", "0");
    out += line;
    int64_t params = 0, macs = 0;
    for (const auto &c : layer_costs(g)) {
        const Layer &l = g.layers[size_t(c.layer)];
        std::string op = op_name(l.op);
        if (l.activation != Activation::None) op += "+" + std::string(activation_name(l.activation));
        std::snprintf(line, sizeof line, "%-28s %-17s %-14s %12s %14s\n", l.name.c_str(), op.c_str(), to_string(l.out).c_str(),
                      with_commas(c.params).c_str(), with_commas(c.macs).c_str());
        out += line;
        params += c.params;
        macs += c.macs;
    }
    out += std::string(89, '-') + "\n";
    std::snprintf(line, sizeof line, "total: %s parameters (trainable, BatchNorm gamma/beta included, before folding), %.1fM MACs\n",
                  with_commas(params).c_str(), double(macs) / 1e6);
    out += line;
    return out;
}

}  // namespace netc
