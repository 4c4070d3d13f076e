#include "passes/passes.h"

namespace netc {

Graph fuse_activations(const Graph &g) {
    Graph cur = g;
    for (size_t j = 0; j < cur.layers.size(); j++) {
        const Layer &act = cur.layers[j];
        Activation a;
        if (!activation_of_op(act.op, &a)) continue;
        const int p = act.inputs[0];
        Layer &prod = cur.layers[size_t(p)];
        bool fusable = prod.op == OpKind::Conv2D || prod.op == OpKind::DepthwiseConv2D || prod.op == OpKind::Dense ||
                       prod.op == OpKind::ConvTranspose2D;
        if (!fusable || prod.activation != Activation::None || cur.consumers(p).size() != 1) continue;
        if (cur.is_output(p)) continue;
        prod.activation = a;
        prod.act = act.act;
        prod.absorbed.push_back(act.name);
        cur = bypass_layer(cur, int(j));
        j--;
    }
    return cur;
}

Graph remove_dead_layers(const Graph &g) {
    std::vector<bool> live(g.layers.size(), false);
    live[0] = true;  // the input stays, even if nothing reads it
    for (int o : g.outputs) live[size_t(o)] = true;
    for (size_t i = g.layers.size(); i-- > 0;)
        if (live[i])
            for (int in : g.layers[i].inputs) live[size_t(in)] = true;
    Graph out = g;
    out.layers.clear();
    std::vector<int> remap(g.layers.size(), -1);
    for (size_t i = 0; i < g.layers.size(); i++) {
        if (!live[i]) continue;
        Layer l = g.layers[i];
        for (int &in : l.inputs) in = remap[size_t(in)];
        remap[i] = int(out.layers.size());
        out.layers.push_back(std::move(l));
    }
    for (int &o : out.outputs) o = remap[size_t(o)];
    return out;
}

}  // namespace netc
