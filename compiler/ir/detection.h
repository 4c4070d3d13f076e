// A detector's post-processing, as the spec's "detection" section describes it: which two
// outputs hold the box encodings and class scores, where the priors come from, and the
// decode and NMS parameters. The runtime's netc_detection_config (runtime/netc_detect.h) is
// the compiled form; this keeps what it needs plus what errors must name.
#pragma once

#include <string>
#include <vector>

#include "netc_detect.h"

namespace netc {

struct DetectionSpec {
    bool present = false;
    std::string family;  // "caffe" or "tf"
    // The config the runtime gets. Grid sizes, image size and the class count are filled by
    // resolve_detection once shapes are known. Its anchor_table stays null here (graphs are
    // copied by value); runtime_config() points it at anchor_table.
    netc_detection_config config{};
    int boxes_output = -1, scores_output = -1;  // positions in Graph::outputs
    // The layers whose height x width are the prior layers' grids (Caffe layers, or TF
    // generator layers). Indices into Graph::layers, kept in step by expand_composites;
    // resolve_detection copies their grids into config, after which they are not used.
    std::vector<int> feature_layers;
    std::vector<std::string> feature_fields;  // "detection.priors[2].feature_map", for errors
    std::vector<float> anchor_table;          // NETC_PRIORS_TABLE: (ycenter, xcenter, h, w) per anchor
    std::string anchor_file;                  // where the table came from, for errors
    std::string config_file;                  // an imported model's MODEL.detection.json, else ""
    bool image_size_given = false;            // Caffe: else the input's height and width
    bool num_classes_given = false;           // else the scores output's size / priors

    // The config with its pointers set, valid while this DetectionSpec lives.
    netc_detection_config runtime_config() const {
        netc_detection_config c = config;
        c.anchor_table = anchor_table.empty() ? nullptr : anchor_table.data();
        return c;
    }
};

}  // namespace netc
