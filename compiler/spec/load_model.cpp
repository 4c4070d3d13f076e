#include "spec/load_model.h"

#include "onnx/import_onnx.h"
#include "passes/passes.h"
#include "spec/detection_config_file.h"
#include "spec/diagnostic.h"
#include "spec/parse_spec.h"
#include "spec/preprocess_config_file.h"
#include "spec/weights.h"
#include "tfjs/import_tfjs.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

bool is_onnx_path(const std::string &path) { return path.size() > 5 && path.compare(path.size() - 5, 5, ".onnx") == 0; }


namespace {

// An ONNX model comes with its weights; the spec-only options make no sense for it.
Graph import_graph(const std::string &path, const ModelOptions &o) {
    if (o.alpha != 1.0 || o.input_size != 0)
        fail(path, "", o.alpha != 1.0 ? "--alpha" : "--input-size", "width and resolution multipliers apply to netc specs, not to ONNX files");
    OnnxImportOptions io;
    io.input_shape = o.input_shape;
    io.notice = o.notice;
    return attach_preprocess_config(attach_detection_config(import_onnx(path, io).graph));
}

}  // namespace

Graph load_model_structure(const std::string &spec_path, const ModelOptions &o) {
    if (is_onnx_path(spec_path)) return resolve_detection(infer_shapes(import_graph(spec_path, o)));
    if (is_tfjs_model_file(spec_path)) {
        if (o.alpha != 1.0 || o.input_size != 0 || !o.input_shape.empty())
            fail(spec_path, "", o.alpha != 1.0 ? "--alpha" : o.input_size ? "--input-size" : "--input-shape",
                 "applies to netc specs (--alpha, --input-size) or ONNX files (--input-shape), not to TF.js models");
        return resolve_detection(infer_shapes(attach_preprocess_config(import_tfjs(spec_path))));
    }
    if (!o.input_shape.empty()) fail(spec_path, "", "--input-shape", "applies to ONNX files; a spec fixes its input's shape itself");
    return resolve_detection(infer_shapes(expand_composites(apply_multipliers(parse_spec_file(spec_path), o.alpha, o.input_size))));
}

Graph load_model(const std::string &spec_path, const ModelOptions &o) {
    const Graph g = load_model_structure(spec_path, o);
    return g.format == ModelFormat::Spec ? bind_weights(g) : g;  // an imported model carries its weights
}

Graph optimize(const Graph &unfused) { return remove_dead_layers(fuse_activations(fold_batchnorm(fold_pad(unfused)))); }

}  // namespace netc
