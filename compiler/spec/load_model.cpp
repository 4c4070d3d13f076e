#include "spec/load_model.h"

#include "passes/passes.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {

Graph load_model_structure(const std::string &spec_path) {
    return infer_shapes(expand_composites(parse_spec_file(spec_path)));
}

Graph load_model(const std::string &spec_path) { return bind_weights(load_model_structure(spec_path)); }

Graph optimize(const Graph &unfused) { return remove_dead_layers(fuse_activations(fold_batchnorm(unfused))); }

}  // namespace netc
