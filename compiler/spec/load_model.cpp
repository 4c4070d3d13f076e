#include "spec/load_model.h"

#include "passes/passes.h"
#include "spec/parse_spec.h"
#include "spec/weights.h"

namespace netc {

Graph load_model_structure(const std::string &spec_path, const ModelOptions &o) {
    return resolve_detection(infer_shapes(expand_composites(apply_multipliers(parse_spec_file(spec_path), o.alpha, o.input_size))));
}

Graph load_model(const std::string &spec_path, const ModelOptions &o) { return bind_weights(load_model_structure(spec_path, o)); }

Graph optimize(const Graph &unfused) { return remove_dead_layers(fuse_activations(fold_batchnorm(unfused))); }

}  // namespace netc
