#include "passes/passes.h"

namespace netc {

namespace {

bool reads_zero_padding(const Layer &l) { return l.op == OpKind::Conv2D || l.op == OpKind::DepthwiseConv2D; }

}  // namespace

Graph fold_pad(const Graph &g) {
    Graph cur = g;
    for (size_t j = 0; j < cur.layers.size(); j++) {
        const Layer &pad = cur.layers[j];
        if (pad.op != OpKind::Pad || pad.pad_mode != PadMode::Constant || pad.pad_value != 0 || cur.is_output(int(j))) continue;
        const std::vector<int> readers = cur.consumers(int(j));
        bool foldable = !readers.empty();
        for (int r : readers) foldable = foldable && reads_zero_padding(cur.layers[size_t(r)]);
        if (!foldable) continue;
        for (int r : readers) {
            Layer &conv = cur.layers[size_t(r)];
            conv.padding.mode = Padding::Explicit;
            conv.padding.top += pad.padding.top, conv.padding.left += pad.padding.left;
            conv.padding.bottom += pad.padding.bottom, conv.padding.right += pad.padding.right;
            conv.absorbed.insert(conv.absorbed.begin(), pad.name);
        }
        cur = bypass_layer(cur, int(j));
        j--;
    }
    return cur;
}

}  // namespace netc
