#include "onnx/import_onnx.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "onnx/importer.h"
#include "onnx/op_versions.h"
#include "passes/passes.h"
#include "spec/diagnostic.h"
#include "spec/weights.h"

namespace netc {

namespace {

// "mobilenet_v2.onnx" → "mobilenet_v2": the default model name, a C identifier.
std::string name_from_path(const std::string &path) {
    std::string stem = path.substr(path.find_last_of('/') + 1);
    stem = stem.substr(0, stem.find('.'));
    std::string id = identifier_safe(stem);
    if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "m_" + id;
    return id;
}

// Image sides and channel counts past this are refused before anything is sized from them.
constexpr int64_t kMaxInputDimension = 1 << 16;

}  // namespace

Importer::Importer(const onnx::ModelProto &model, std::string p, const OnnxImportOptions &options)
    : path(std::move(p)), model_(model), options_(options) {
    for (const auto &os : model.opset_import())
        if (os.domain().empty() || os.domain() == "ai.onnx") opset = int(std::clamp<int64_t>(os.version(), -1, 1 << 30));  // not narrowed: 2^32+13 is no opset 13
}

// ---- node access ------------------------------------------------------------------------

void Importer::unsupported(const std::string &what) {
    const std::string name = node->name().empty() ? "(unnamed)" : node->name();
    problems_.push_back("node '" + name + "' (" + node->op_type() + "): " + what);
    throw Unsupported{};
}

// What can be said of the current node without its inputs: an unknown op type, or an
// attribute value netc does not implement.
std::string Importer::static_problem() const {
    const std::string &op = node->op_type();
    if (!op_translators().count(op) && !constant_only_ops().count(op)) return "op type not supported";
    const std::string version = op_version_problem(op, opset);
    if (!version.empty()) return version;
    if (op == "MaxPool" && attr_int("storage_order", 0) != 0) return "storage_order 1";
    if (op == "MaxPool" && attr_ints("dilations", {1, 1}) != std::vector<int64_t>{1, 1}) return "dilations other than 1";
    if (op == "Gemm" && attr_int("transA", 0) != 0) return "transA 1";
    return "";
}

void Importer::refuse_batch_axis(int64_t axis, const std::string &what) {
    if (batch_ > 1 && axis == 0)
        unsupported(what + " mixes the items of the batch of " + std::to_string(batch_) + " (axis 0); netc computes each item on its own");
}

bool Importer::has_input(int k) const { return k < node->input_size() && !node->input(k).empty(); }

const Value &Importer::in(int k) {
    if (!has_input(k)) unsupported("input " + std::to_string(k) + " is missing");
    auto it = values_.find(node->input(k));
    if (it == values_.end()) {
        // Not from a node that failed: nothing before this node computes it (a node reading its
        // own output, or a name no node writes), which must not pass silently.
        if (!failed_values_.count(node->input(k))) unsupported("input '" + node->input(k) + "' is computed by no node before this one");
        // It came from a node already reported. This node cannot be translated, but what is
        // wrong with it on its own still belongs in the one error message.
        const std::string why = static_problem();
        if (!why.empty()) unsupported(why);
        throw Unsupported{};
    }
    return it->second;
}

const Value &Importer::activation(int k) {
    const Value &v = in(k);
    if (v.kind != Value::Activation) unsupported("input '" + node->input(k) + "' is a constant; netc computes this op on activations only");
    return v;
}

const ConstTensor &Importer::constant(int k) {
    const Value &v = in(k);
    if (v.kind != Value::Constant)
        unsupported("input '" + node->input(k) + "' must be a constant (an initializer or computable at import), not an activation");
    return v.constant;
}

std::vector<int64_t> Importer::constant_ints(int k) {
    std::vector<int64_t> out;
    for (double v : constant(k).values) {
        // Exact in a double and in an int64: anything else (1e30, NaN) is no axis or size, and
        // converting it would be undefined behaviour.
        if (!(std::fabs(v) <= 9007199254740992.0) || v != std::trunc(v))
            unsupported("input '" + node->input(k) + "' holds " + std::to_string(v) + " where a whole number is needed");
        out.push_back(int64_t(v));
    }
    return out;
}

const onnx::AttributeProto *Importer::attr(const std::string &name) const {
    for (const auto &a : node->attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

bool Importer::has_attr(const std::string &name) const { return attr(name) != nullptr; }

int64_t Importer::attr_int(const std::string &name, int64_t dflt) const {
    const auto *a = attr(name);
    return a ? a->i() : dflt;
}

float Importer::attr_float(const std::string &name, float dflt) const {
    const auto *a = attr(name);
    return a ? a->f() : dflt;
}

std::string Importer::attr_string(const std::string &name, const std::string &dflt) const {
    const auto *a = attr(name);
    return a ? a->s() : dflt;
}

std::vector<int64_t> Importer::attr_ints(const std::string &name, std::vector<int64_t> dflt) const {
    const auto *a = attr(name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : dflt;
}

std::vector<int64_t> Importer::attr_permutation(size_t rank) {
    std::vector<int64_t> reversed(rank);
    std::iota(reversed.rbegin(), reversed.rend(), 0);
    const std::vector<int64_t> perm = attr_ints("perm", reversed);
    if (perm.size() != rank)
        unsupported("perm has " + std::to_string(perm.size()) + " axes, the input " + std::to_string(rank));
    std::vector<bool> seen(rank, false);
    for (int64_t p : perm) {
        if (p < 0 || p >= int64_t(rank) || seen[size_t(p)])
            unsupported("perm is not a permutation of 0.." + std::to_string(int64_t(rank) - 1) + " (it has " + std::to_string(p) + ")");
        seen[size_t(p)] = true;
    }
    return perm;
}

int Importer::readers(const std::string &value_name) const {
    auto it = readers_.find(value_name);
    return it == readers_.end() ? 0 : it->second;
}

// ---- building the graph -----------------------------------------------------------------

int Importer::add_layer(Layer l, std::map<std::string, Tensor> params, const std::string &suffix) {
    std::string base = node->name().empty() ? node->op_type() + "_" + std::to_string(graph_.layers.size()) : node->name();
    base += suffix;
    std::string name = base;
    for (int k = 2; names_.count(name); k++) name = base + "_" + std::to_string(k);
    names_.insert(name);
    l.name = name;
    l.origin = "node '" + (node->name().empty() ? node->op_type() : node->name()) + "' (" + node->op_type() + ")";
    graph_.layers.push_back(l);
    params_.push_back(std::move(params));
    // Shape inference of the new layer alone (the weights wait aside in params_).
    try {
        infer_layer_shape(graph_, graph_.layers.size() - 1);
    } catch (const CompileError &e) {
        graph_.layers.pop_back();
        params_.pop_back();
        unsupported(e.diag.message);
    }
    return int(graph_.layers.size()) - 1;
}

Shape Importer::shape_of(int layer) { return graph_.layers[size_t(layer)].out; }

void Importer::set_output(int k, Value v) {
    if (k < node->output_size() && !node->output(k).empty()) values_[node->output(k)] = std::move(v);
}

Value Importer::nchw_value(int layer) {
    const Shape s = shape_of(layer);
    Value v;
    v.layer = layer;
    v.layout = Value::Nchw;
    v.shape = {1, s.c, s.h, s.w};
    return v;
}

bool Importer::row_major_compatible(const Value &v) {
    if (v.kind != Value::Activation) return false;
    if (v.layout == Value::RowMajor) return true;
    // [1, C, H, W] with H = W = 1 or C = 1: CHW order and HWC order agree.
    return v.layout == Value::Nchw && v.shape.size() == 4 && (v.shape[2] * v.shape[3] == 1 || v.shape[1] == 1);
}

// Rank 1-2 → 1x1xN; [1, A, B] → 1xAxB; [1, A, B, C] → AxBxC (an NHWC view); higher ranks
// fold their leading dimensions into H.
Shape Importer::netc_shape_of_row_major(const std::vector<int64_t> &shape) {
    std::vector<int64_t> d = shape;
    if (d.size() > 1 && d[0] == 1) d.erase(d.begin());  // the batch
    while (d.size() > 3) {
        d[1] *= d[0];
        d.erase(d.begin());
    }
    while (d.size() < 3) d.insert(d.begin(), 1);
    return Shape{int(d[0]), int(d[1]), int(d[2])};
}

Value Importer::as_row_major(const Value &v, const std::vector<int64_t> &shape, const std::string &suffix) {
    const Shape want = netc_shape_of_row_major(shape);
    Value out;
    out.layout = Value::RowMajor;
    out.shape = shape;
    out.layer = v.layer;
    if (shape_of(v.layer) != want) {
        Layer r;
        r.op = OpKind::Reshape;
        r.inputs = {v.layer};
        r.reshape_to = want;
        out.layer = add_layer(r, {}, suffix);
    }
    return out;
}

// ---- the pieces of a run ----------------------------------------------------------------

void Importer::add_input() {
    const onnx::GraphProto &g = model_.graph();
    std::set<std::string> initializers;
    for (const auto &t : g.initializer()) initializers.insert(t.name());
    std::vector<const onnx::ValueInfoProto *> inputs;
    for (const auto &i : g.input())
        if (!initializers.count(i.name()) && !options_.constants.count(i.name())) inputs.push_back(&i);
    if (inputs.size() != 1) {
        std::string names;
        for (const auto *i : inputs) names += (names.empty() ? "" : ", ") + i->name();
        fail(path, "", "graph.input", "netc models have exactly one input; this graph has " + std::to_string(inputs.size()) +
                                          (names.empty() ? "" : " (" + names + ")"));
    }
    const onnx::ValueInfoProto &in = *inputs[0];
    const auto &type = in.type().tensor_type();
    if (type.elem_type() != onnx::TensorProto_DataType_FLOAT)
        fail(path, in.name(), "graph.input", std::string("input type ") + onnx_type_name(type.elem_type()) + ": netc takes FLOAT inputs");
    std::vector<int64_t> dims;
    std::vector<std::string> dynamic;
    for (int d = 0; d < type.shape().dim_size(); d++) {
        const auto &dim = type.shape().dim(d);
        // A written negative size is no dynamic dimension (those have no value): -5 is refused, not fixed to 1.
        if (dim.has_dim_value() && dim.dim_value() < 0)
            fail(path, in.name(), "graph.input", "dimension " + std::to_string(d) + " is " + std::to_string(dim.dim_value()) + ": sizes are positive");
        dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        if (!dim.has_dim_value()) dynamic.push_back(dim.dim_param().empty() ? "?" : dim.dim_param());
    }
    const std::string fix = "; give the shape with --input-shape N,C,H,W (e.g. --input-shape 1,3,224,224)";
    if (!options_.input_shape.empty()) {
        if (options_.input_shape.size() != dims.size())
            fail(path, in.name(), "--input-shape", "has " + std::to_string(options_.input_shape.size()) + " dimensions, the input has " +
                                                     std::to_string(dims.size()));
        for (size_t d = 0; d < dims.size(); d++)
            if (dims[d] >= 0 && dims[d] != options_.input_shape[d])
                fail(path, in.name(), "--input-shape", "dimension " + std::to_string(d) + " is fixed to " + std::to_string(dims[d]) +
                                                         " in the model, not " + std::to_string(options_.input_shape[d]));
        dims = options_.input_shape;
    } else if (!dims.empty() && dims[0] < 0) {
        dims[0] = 1;
        if (options_.notice) options_.notice("input '" + in.name() + "': dynamic batch dimension fixed to 1");
    }
    if (dims.empty()) fail(path, in.name(), "graph.input", "a scalar input; netc takes an image [1, C, H, W] (or a tensor)");
    for (size_t d = 0; d < dims.size(); d++)
        if (dims[d] < 0) fail(path, in.name(), "graph.input", "dimension " + std::to_string(d) + " is dynamic" + fix);
    for (int64_t d : dims)
        if (d < 1) fail(path, in.name(), "graph.input", "input of shape " + shape_string(dims) + " holds no values");
    // Before the shape is narrowed to int anywhere: 2^32 + 8 once became 8.
    for (int64_t d : dims)
        if (d > kMaxInputDimension)
            fail(path, in.name(), "graph.input", "input of shape " + shape_string(dims) + ": a dimension past " + std::to_string(kMaxInputDimension));
    onnx_input_shape_ = dims;
    // An image [N, C, H, W] (or [N, H, W, C]) or a matrix [N, K] with N > 1: a batch, imported
    // as one item ([1, ...]) and run N times by the runtime (`netc compile --batch`).
    if ((dims.size() == 4 || dims.size() == 2) && dims[0] > 1) {
        if (dims[0] > 65536) fail(path, in.name(), "graph.input", "a batch of " + std::to_string(dims[0]) + " (netc takes 1 to 65536)");
        batch_ = dims[0];
        dims[0] = 1;
    }
    graph_.input.batch = int(batch_);
    // An image [1, C, H, W] is NCHW; any other shape is taken in row-major order (netc's HWC
    // storage of the shape netc_shape_of_row_major gives it), for the ops that allow it. So is
    // a 4-D input that every reader transposes NHWC → NCHW: tf2onnx's [1, H, W, C] images.
    bool nhwc = dims.size() == 4;
    int readers_of_input = 0;
    for (const auto &n : g.node())
        for (const auto &i : n.input())
            if (i == in.name()) {
                readers_of_input++;
                node = &n;
                nhwc &= n.op_type() == "Transpose" && attr_ints("perm", {}) == std::vector<int64_t>{0, 3, 1, 2};
            }
    node = nullptr;
    input_nchw_ = dims.size() == 4 && !(nhwc && readers_of_input > 0);
    const Shape shape = input_nchw_ ? Shape{int(dims[2]), int(dims[3]), int(dims[1])} : netc_shape_of_row_major(dims);

    graph_.input.name = in.name();
    graph_.input.shape = shape;
    graph_.input.mean.assign(size_t(shape.c), 0.0f);
    graph_.input.scale.assign(size_t(shape.c), 1.0f);
    graph_.input.pixels_known = false;  // unless MODEL.preprocess.json says (load_model)
    Layer input;
    input.name = in.name();
    input.op = OpKind::Input;
    input.origin = "input";
    input.out = shape;
    graph_.layers.push_back(input);
    params_.emplace_back();
    names_.insert(in.name());
    Value v;
    v.layer = 0;
    v.shape = dims;
    v.layout = input_nchw_ ? Value::Nchw : Value::RowMajor;
    values_[in.name()] = v;
}

void Importer::translate(const onnx::NodeProto &n) {
    node = &n;
    if (!n.domain().empty() && n.domain() != "ai.onnx") unsupported("operator domain '" + n.domain() + "'");
    const std::string &op = n.op_type();
    if (static_problem() == "op type not supported") unsupported("op type not supported");
    const std::string version = op_version_problem(op, opset);
    if (!version.empty()) unsupported(version);
    // Nodes whose inputs are all constants are computed now (Shape subgraphs, weight reshapes).
    bool all_constant = n.input_size() > 0;
    for (int k = 0; k < n.input_size(); k++)
        if (has_input(k) && in(k).kind != Value::Constant) all_constant = false;
    if ((op == "Constant" || all_constant) && fold_constant_op(*this, op)) return;
    const auto translator = op_translators().find(op);
    if (translator != op_translators().end()) return translator->second(*this);
    if (constant_only_ops().count(op)) unsupported("netc evaluates " + op + " on constants only (shape arithmetic), not on activations");
    unsupported("op type not supported");
}

const OpTranslators &op_translators() {
    static const OpTranslators all = [] {
        OpTranslators t;
        add_conv_and_pool_ops(t);
        add_elementwise_ops(t);
        add_shape_ops(t);
        add_dense_ops(t);
        add_resize_ops(t);
        return t;
    }();
    return all;
}

void Importer::add_outputs(OnnxImport &result) {
    std::set<int> used;
    for (const auto &o : model_.graph().output()) {
        auto it = values_.find(o.name());
        if (it == values_.end()) {
            // Never dropped silently: either its node failed and was reported, or nothing computes it.
            if (!failed_values_.count(o.name())) problems_.push_back("output '" + o.name() + "': no node computes it");
            continue;
        }
        const Value &v = it->second;
        const std::string where = "output '" + o.name() + "'";
        if (v.kind != Value::Activation) {
            problems_.push_back(where + ": is a constant, not computed by the network");
            continue;
        }
        if (v.layout == Value::FlatChw) {
            problems_.push_back(where + ": a Flatten of a spatial tensor in NCHW order; netc's tensors are channels-last");
            continue;
        }
        int layer = v.layer;
        if (layer == 0 || used.count(layer)) {
            // The input itself, or the values of another output: a netc output is a layer of
            // its own, so it gets a copy (a reshape to the same shape).
            Layer copy;
            copy.op = OpKind::Reshape;
            copy.inputs = {layer};
            copy.reshape_to = copy.out = shape_of(layer);
            copy.name = o.name() + "_copy";
            copy.origin = where;
            graph_.layers.push_back(copy);
            params_.emplace_back();
            names_.insert(copy.name);
            layer = int(graph_.layers.size()) - 1;
        }
        used.insert(layer);
        graph_.outputs.push_back(layer);
        // The output layer takes the ONNX output's name: what the model's users know it by
        // (the runtime reports outputs under their layer names). Its node name stays in origin.
        Layer &l = graph_.layers[size_t(layer)];
        if (!names_.count(o.name())) {
            names_.erase(l.name);
            names_.insert(o.name());
            l.name = o.name();
        }
        OnnxOutput out;
        out.name = o.name();
        out.onnx_shape = v.shape;
        if (batch_ > 1) {
            // Values are per item: the output's first dimension is the batch.
            if (out.onnx_shape.empty() || out.onnx_shape[0] != 1) {
                problems_.push_back(where + ": its shape " + shape_string(v.shape) + " does not lead with the batch");
                continue;
            }
            out.onnx_shape[0] = batch_;
        }
        out.nchw = v.layout == Value::Nchw && !row_major_compatible(v);
        result.outputs.push_back(out);
    }
    if (graph_.outputs.empty() && problems_.empty()) problems_.push_back("the graph has no outputs computed by its nodes");
}

OnnxImport Importer::run() {
    const onnx::GraphProto &g = model_.graph();
    // The opset says what every op means: one netc cannot know is refused before any node is read.
    if (opset < 1) fail(path, "", "opset_import", "the model declares no ai.onnx opset (or opset " + std::to_string(opset) + "): its ops have no defined meaning");
    if (opset > newest_known_opset())
        fail(path, "", "opset_import", "opset " + std::to_string(opset) + " is newer than the ONNX definitions netc is built with (opsets 1 to " +
                                           std::to_string(newest_known_opset()) + "); re-export the model at opset " +
                                           std::to_string(newest_known_opset()) + " or older");
    graph_.name = options_.name.empty() ? name_from_path(path) : options_.name;
    graph_.spec_file = path;
    graph_.format = ModelFormat::Onnx;
    graph_.weights.file = path;
    for (const auto &t : g.initializer()) {
        Value v;
        v.kind = Value::Constant;
        std::string why;
        if (!read_tensor(t, &v.constant, &why)) {
            problems_.push_back("initializer '" + t.name() + "': " + why);
            failed_values_.insert(t.name());  // reported once, not again by every node that reads it
            continue;
        }
        v.shape = v.constant.dims;
        values_[t.name()] = v;
    }
    for (const auto &[name, t] : options_.constants) {
        Value v;
        v.kind = Value::Constant;
        v.constant = t;
        v.shape = t.dims;
        values_[name] = v;
    }
    add_input();
    for (const auto &n : g.node())
        for (const auto &i : n.input()) readers_[i]++;
    for (const auto &o : g.output()) readers_[o.name()]++;
    for (const auto &n : g.node()) {
        try {
            translate(n);
        } catch (const Unsupported &) {
            for (const auto &name : n.output()) failed_values_.insert(name);
        }
    }
    OnnxImport result;
    add_outputs(result);
    if (!problems_.empty()) {
        std::string msg = std::to_string(problems_.size()) + (problems_.size() == 1 ? " problem" : " problems") +
                          " (ONNX opset " + std::to_string(opset) + "):";
        for (const auto &p : problems_) msg += "\n  " + p;
        fail(path, "", "", msg);
    }
    for (size_t i = 0; i < graph_.layers.size(); i++) graph_.layers[i].params = std::move(params_[i]);
    // Layers nothing reads (a HardSigmoid folded into h-swish, a reshape the next one made moot).
    result.graph = remove_dead_layers(graph_);
    result.onnx_input_shape = onnx_input_shape_;
    result.input_nchw = input_nchw_;
    result.graph.declared_input = {onnx_input_shape_, input_nchw_};
    for (const OnnxOutput &o : result.outputs) result.graph.declared_outputs.push_back({o.onnx_shape, o.nchw});
    result.opset = opset;
    return result;
}

OnnxImport import_onnx(const std::string &path, const OnnxImportOptions &options) {
    const onnx::ModelProto model = read_onnx_model(path);
    Importer im(model, path, options);
    return im.run();
}

}  // namespace netc
