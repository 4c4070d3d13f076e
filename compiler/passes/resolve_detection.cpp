#include "passes/passes.h"

#include "spec/diagnostic.h"

namespace netc {

// Once shapes are known, the detection section's grids, image size and class count follow
// from the graph; the runtime's own prior count must then match the outputs' sizes exactly,
// or decoding would read past (or short of) the tensors.
Graph resolve_detection(const Graph &g) {
    Graph out = g;
    DetectionSpec &d = out.detection;
    if (!d.present) return out;
    netc_detection_config &c = d.config;
    const std::string &file = g.spec_file;
    for (size_t i = 0; i < d.feature_layers.size(); i++) {
        const Shape s = out.layers[size_t(d.feature_layers[i])].out;
        if (c.priors == NETC_PRIORS_CAFFE) {
            c.caffe_layers[i].feature_height = s.h;
            c.caffe_layers[i].feature_width = s.w;
        } else {
            c.tf_anchors.feature_heights[i] = s.h;
            c.tf_anchors.feature_widths[i] = s.w;
        }
    }
    if (c.priors == NETC_PRIORS_CAFFE && !d.image_size_given) {
        c.image_height = out.input.shape.h;
        c.image_width = out.input.shape.w;
    }
    const netc_detection_config rc = d.runtime_config();
    const int64_t priors = netc_detect_num_priors(&rc);
    if (priors < 1) fail(file, "", c.priors == NETC_PRIORS_CAFFE ? "detection.priors" : "detection.anchors", "these priors are invalid");

    const Layer &boxes = out.layers[size_t(out.outputs[size_t(d.boxes_output)])];
    const Layer &scores = out.layers[size_t(out.outputs[size_t(d.scores_output)])];
    if (boxes.out.elements() != priors * 4)
        fail(file, boxes.name, "detection.boxes",
             "output '" + boxes.name + "' has " + std::to_string(boxes.out.elements()) + " values (" + to_string(boxes.out) + "), but " +
                 std::to_string(priors) + " priors need " + std::to_string(priors * 4) + " box encodings");
    if (!d.num_classes_given) {
        if (scores.out.elements() % priors != 0)
            fail(file, scores.name, "detection.scores",
                 "output '" + scores.name + "' has " + std::to_string(scores.out.elements()) + " values, not a multiple of the " +
                     std::to_string(priors) + " priors");
        c.num_classes = int32_t(scores.out.elements() / priors);
    } else if (scores.out.elements() != priors * c.num_classes) {
        fail(file, scores.name, "detection.scores",
             "output '" + scores.name + "' has " + std::to_string(scores.out.elements()) + " values, but " + std::to_string(priors) +
                 " priors x " + std::to_string(c.num_classes) + " classes need " + std::to_string(priors * c.num_classes));
    }
    if (c.background_class >= c.num_classes)
        fail(file, "", "detection.background_class",
             "class " + std::to_string(c.background_class) + " does not exist (" + std::to_string(c.num_classes) + " classes)");
    const netc_detection_config checked = d.runtime_config();
    if (netc_detect_scratch_bytes(&checked, priors) < 0) fail(file, "", "detection", "internal: the runtime rejects this configuration");
    return out;
}

}  // namespace netc
