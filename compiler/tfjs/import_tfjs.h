// TF.js → netc Graph: the importer behind `netc import model.json` and `netc compile
// model.json` for TF.js models (docs/tfjs.md). A layers model (the Keras topology TF.js's
// converter writes) becomes the layers a hand-written spec would have: Keras' NHWC is netc's
// channels-last, so no layout is tracked; ZeroPadding2D becomes a pad that folds into the
// conv after it, BatchNormalization a batchnorm that folds into the conv before it. Every
// unsupported layer is reported together, by name, in one error.
#pragma once

#include <functional>
#include <string>

#include "ir/graph.h"

namespace netc {

struct TfjsImportOptions {
    std::string name;  // the model's name; default: from the directory holding model.json
};

// The graph with its weights bound (Layer::params), shapes not yet inferred.
Graph import_tfjs(const std::string &path, const TfjsImportOptions &options = {});

}  // namespace netc
