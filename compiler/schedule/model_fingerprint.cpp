#include "schedule/model_fingerprint.h"

#include <sstream>

#include "codegen/output_files.h"

namespace netc {

std::string model_fingerprint(const Graph &g) {
    // A canonical text of everything the schedule depends on, one line per layer: the stage
    // plan and the templates read names, ops, shapes and these attributes, never the weights.
    std::ostringstream s;
    s << "netc model fingerprint 1\ninput " << to_string(g.input.shape) << "\n";
    for (const Layer &l : g.layers) {
        const Padding &p = l.padding;
        s << l.name << ' ' << op_name(l.op) << " in";
        for (int i : l.inputs) s << ' ' << i;
        s << " f" << l.filters << " k" << l.kernel_h << 'x' << l.kernel_w << " s" << l.stride_h << 'x' << l.stride_w << " d" << l.dilation_h
          << 'x' << l.dilation_w << " g" << l.groups << " m" << l.multiplier << " p" << int(p.mode) << ':' << p.top << ',' << p.left << ','
          << p.bottom << ',' << p.right << " b" << l.bias << " a" << activation_name(l.activation) << " r" << to_string(l.reshape_to)
          << " out " << to_string(l.out);
        // Attributes added later are written only when not their default, so that the
        // fingerprints already recorded in tuned files stay valid.
        if (l.softmax_axis != SoftmaxAxis::Channels) s << " axis " << softmax_axis_name(l.softmax_axis);
        if (l.output_pad_h || l.output_pad_w) s << " op" << l.output_pad_h << 'x' << l.output_pad_w;
        s << "\n";
    }
    s << "outputs";
    for (int o : g.outputs) s << ' ' << o;
    s << "\n";
    return "fnv1a64:" + hex64(fnv1a64(s.str()));
}

}  // namespace netc
