// What the layers and the graph importer share: the graph as it grows (each layer's shape
// inferred as it is added, its weights set aside until the end), the Keras layer or TF node
// being read, and the problems found, all reported together in one error naming the file.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "tfjs/tfjs_model_file.h"

namespace netc {

class TfjsImporter {
protected:
    // unit: what the file is made of, "layer" (Keras) or "node" (GraphDef).
    TfjsImporter(const TfjsModelFile &file, const std::string &model_name, ModelFormat format, std::string unit);

    // Raised after a problem with the current layer/node was recorded.
    struct Unsupported {};
    [[noreturn]] void unsupported(const std::string &what);

    // Translates one layer/node. A problem with it, or a field of the wrong JSON type anywhere
    // in it, is recorded against it (its outputs then count as failed: a reader of them is
    // not reported again) and the import goes on with the next.
    void translate_one(const std::string &name, const std::string &kind, const std::string &origin, const std::function<void()> &translate);

    // Appends a layer named after the current one (+ suffix) and infers its shape.
    int add(Layer l, std::map<std::string, Tensor> params = {}, const std::string &suffix = "");
    void add_input(const Shape &s);  // layer 0, named after the current layer/node
    Shape shape_of(int layer) const { return g_.layers[size_t(layer)].out; }
    void set_value(int layer) { values_[current_] = layer; }  // the current layer/node's output
    // The layer holding the k-th of `ins`, which an earlier layer/node must compute.
    int value(const std::vector<std::string> &ins, size_t k = 0);
    bool has_value(const std::string &name) const { return values_.count(name) > 0; }

    // Every problem in one error naming the file, else the graph with the named outputs
    // declared as TF.js gives them ([1, H, W, C], or [1, K] for a vector) and each layer's
    // weights attached.
    Graph finish(const std::vector<std::string> &outputs);

    const TfjsModelFile &file_;
    Graph g_;
    std::string current_, kind_, origin_;  // the layer/node being read, its class/op, where it is in model.json

private:
    std::string unit_;
    std::map<std::string, int> values_;                  // layer/node name → the netc layer holding its output
    std::vector<std::map<std::string, Tensor>> params_;  // per layer, attached at the end
    std::set<std::string> failed_;
    std::vector<std::string> problems_;
};

}  // namespace netc
