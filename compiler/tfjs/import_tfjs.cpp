#include "tfjs/import_tfjs.h"

#include "spec/diagnostic.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

Graph import_tfjs(const std::string &path, const TfjsImportOptions &options) {
    const TfjsModelFile file = read_tfjs_model(path);
    const std::string name = options.name.empty() ? tfjs_default_name(path) : options.name;
    try {
        return file.format == ModelFormat::TfjsGraph ? import_tfjs_graph_model(file, name) : import_tfjs_layers_model(file, name);
    } catch (const nlohmann::json::exception &e) {
        // The importers read each layer's or node's fields defensively and report those in
        // the list of problems; this is for a field read outside them (the topology's own).
        fail(path, "", "modelTopology", std::string("a field netc cannot read (") + e.what() + ")");
    }
}

}  // namespace netc
