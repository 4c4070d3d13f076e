#include "tfjs/tfjs_importer.h"

#include <nlohmann/json.hpp>

#include "passes/passes.h"
#include "spec/diagnostic.h"

namespace netc {

TfjsImporter::TfjsImporter(const TfjsModelFile &file, const std::string &model_name, ModelFormat format, std::string unit)
    : file_(file), unit_(std::move(unit)) {
    g_.name = model_name;
    g_.spec_file = file.path;
    g_.format = format;
}

void TfjsImporter::unsupported(const std::string &what) {
    problems_.push_back(unit_ + " '" + current_ + "' (" + kind_ + "): " + what);
    throw Unsupported{};
}

void TfjsImporter::translate_one(const std::string &name, const std::string &kind, const std::string &origin, const std::function<void()> &translate) {
    current_ = name, kind_ = kind, origin_ = origin;
    try {
        try {
            translate();
        } catch (const nlohmann::json::exception &e) {
            // A field of another type than the format has there (a number for a string, a list
            // for an object): the file is malformed at this layer, whatever the field.
            unsupported(std::string("a field netc cannot read (") + e.what() + ")");
        }
    } catch (const Unsupported &) {
        failed_.insert(name);
    }
}

int TfjsImporter::add(Layer l, std::map<std::string, Tensor> params, const std::string &suffix) {
    l.name = current_ + suffix;
    l.origin = origin_;
    g_.layers.push_back(l);
    try {
        infer_layer_shape(g_, g_.layers.size() - 1);
    } catch (const CompileError &e) {
        g_.layers.pop_back();
        unsupported(e.diag.message);
    }
    params_.push_back(std::move(params));
    return int(g_.layers.size()) - 1;
}

void TfjsImporter::add_input(const Shape &s) {
    g_.input.name = current_;
    g_.input.shape = s;
    g_.input.mean.assign(size_t(s.c), 0.0f);
    g_.input.scale.assign(size_t(s.c), 1.0f);
    g_.input.pixels_known = false;  // unless MODEL.preprocess.json says (load_model)
    // As the file declares it: NHWC, netc's own order.
    g_.declared_input = {{1, s.h, s.w, s.c}, false};
    Layer in;
    in.op = OpKind::Input;
    set_value(add(in));
}

int TfjsImporter::value(const std::vector<std::string> &ins, size_t k) {
    if (k >= ins.size()) unsupported("input " + std::to_string(k) + " is missing");
    const auto it = values_.find(ins[k]);
    if (it != values_.end()) return it->second;
    if (failed_.count(ins[k])) throw Unsupported{};  // reported with that layer/node
    unsupported("reads '" + ins[k] + "', which no " + unit_ + " before it computes");
}

Graph TfjsImporter::finish(const std::vector<std::string> &outputs) {
    std::vector<std::pair<int, std::string>> found;
    for (const std::string &o : outputs) {
        const auto it = values_.find(o);
        if (it != values_.end()) found.push_back({it->second, o});
        else if (!failed_.count(o)) problems_.push_back("output '" + o + "': no " + unit_ + " computes it");
    }
    if (!problems_.empty() || found.empty()) {
        std::vector<std::string> all = problems_;
        if (all.empty()) all.push_back("the model has no outputs netc computes");
        std::string msg = std::to_string(all.size()) + (all.size() == 1 ? " problem" : " problems") + " (" + model_format_name(g_.format) + "):";
        for (const auto &p : all) msg += "\n  " + p;
        fail(g_.spec_file, "", "", msg);
    }
    Graph g = g_;
    for (const auto &[layer, name] : found) {
        g.outputs.push_back(layer);
        const Shape s = g.layers[size_t(layer)].out;
        g.declared_outputs.push_back({s.h == 1 && s.w == 1 ? std::vector<int64_t>{1, s.c} : std::vector<int64_t>{1, s.h, s.w, s.c}, false});
        // The output takes the model's name for it (an output Identity or Dropout leaves the
        // layer before it, which keeps its own if the name is taken).
        if (g.find(name) < 0) g.layers[size_t(layer)].name = name;
    }
    for (size_t i = 0; i < g.layers.size(); i++) g.layers[i].params = std::move(params_[i]);
    return g;
}

}  // namespace netc
