// The ONNX importer's working state, shared by its translation units (internal to compiler/onnx).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onnx/import_onnx.h"
#include "onnx/onnx_file.h"

namespace netc {

// What one ONNX value is, as the importer sees it.
struct Value {
    enum Kind { Constant, Activation } kind = Activation;
    ConstTensor constant;        // Constant
    int layer = -1;              // Activation: the netc layer holding its values
    std::vector<int64_t> shape;  // the ONNX shape
    // How the ONNX tensor maps onto the netc tensor (H x W x C, channels innermost):
    //   Nchw:     [1, C, H, W]; the netc tensor is the same values channels-last.
    //   RowMajor: the ONNX tensor's row-major order is the netc tensor's storage order
    //             (flattened vectors, NHWC views, SSD's [1, priors, classes]).
    //   FlatChw:  [1, C*H*W] flattened from Nchw with H*W > 1 and C > 1; `layer` is still the
    //             unflattened tensor (only a dense layer can read it: its weights get permuted).
    enum Layout { Nchw, RowMajor, FlatChw } layout = Nchw;
    std::string hardsigmoid_of;  // HardSigmoid(1/6, 1/2) of this value: x * it is h-swish
};

// Raised by a translator after it recorded why a node is unsupported; the importer carries on
// with the next node so that one error lists them all.
struct Unsupported {};

class Importer {
public:
    Importer(const onnx::ModelProto &model, std::string path, const OnnxImportOptions &options);
    OnnxImport run();

    // ---- for the op translators -------------------------------------------------------
    const onnx::NodeProto *node = nullptr;  // the node being translated
    int opset = 0;
    std::string path;

    [[noreturn]] void unsupported(const std::string &what);
    // The batch the input declares. Values are imported per item (their ONNX shapes lead with
    // 1); an op that reaches across items (an axis 0 of an activation) is refused with this.
    int64_t batch() const { return batch_; }
    void refuse_batch_axis(int64_t axis, const std::string &what);
    bool has_input(int k) const;
    const Value &in(int k);                      // the node's k-th input
    const Value &activation(int k);              // ... which must be an activation
    const ConstTensor &constant(int k);          // ... which must be a constant
    std::vector<int64_t> constant_ints(int k);   // ... of whole numbers within ±2^53 (axes, pads, shapes)
    int64_t attr_int(const std::string &name, int64_t dflt) const;
    float attr_float(const std::string &name, float dflt) const;
    std::string attr_string(const std::string &name, const std::string &dflt) const;
    std::vector<int64_t> attr_ints(const std::string &name, std::vector<int64_t> dflt) const;
    // Transpose's "perm" (reversed axes by default), refused unless a permutation of 0..rank-1.
    std::vector<int64_t> attr_permutation(size_t rank);
    bool has_attr(const std::string &name) const;
    const onnx::AttributeProto *attr(const std::string &name) const;
    int readers(const std::string &value_name) const;  // nodes and graph outputs reading it
    // Values of the constants computed at import so far (fold_constants.cpp bounds the sum:
    // a small file chaining many large constant ops would otherwise take seconds each).
    int64_t computed_values = 0;

    // Appends a layer named after the node (+ suffix) with its params; returns its index.
    int add_layer(Layer l, std::map<std::string, Tensor> params = {}, const std::string &suffix = "");
    Shape shape_of(int layer);                   // the netc shape (inferred as each layer is added)
    void set_output(int k, Value v);             // defines the node's k-th output
    std::map<std::string, Tensor> &params_of(int layer) { return params_[size_t(layer)]; }
    Layer &layer(int i) { return graph_.layers[size_t(i)]; }

    // The value as a RowMajor activation of `shape` (same element count), adding a netc
    // reshape when the netc tensor's shape is not the one that shape maps to.
    Value as_row_major(const Value &v, const std::vector<int64_t> &shape, const std::string &suffix);
    static Shape netc_shape_of_row_major(const std::vector<int64_t> &shape);
    static bool row_major_compatible(const Value &v);  // its row-major order is the netc storage order
    Value nchw_value(int layer);                       // an Nchw activation for a layer

private:
    void translate(const onnx::NodeProto &n);
    std::string static_problem() const;
    void add_input();
    void add_outputs(OnnxImport &result);

    const onnx::ModelProto &model_;
    OnnxImportOptions options_;
    Graph graph_;
    std::vector<std::map<std::string, Tensor>> params_;  // per layer, attached at the end (the graph stays cheap to copy)
    std::map<std::string, Value> values_;
    std::set<std::string> names_;
    std::vector<std::string> problems_;
    std::set<std::string> failed_values_;  // outputs of nodes that could not be translated
    std::map<std::string, int> readers_;
    std::vector<int64_t> onnx_input_shape_;
    bool input_nchw_ = true;
    int64_t batch_ = 1;
};

// The ONNX op types netc translates into layers, each with its translator: the one list of
// them. Each translate_*.cpp adds its group.
using OpTranslator = void (*)(Importer &im);
using OpTranslators = std::map<std::string, OpTranslator>;
void add_conv_and_pool_ops(OpTranslators &t);
void add_elementwise_ops(OpTranslators &t);
void add_shape_ops(OpTranslators &t);
void add_dense_ops(OpTranslators &t);
void add_resize_ops(OpTranslators &t);
const OpTranslators &op_translators();

bool fold_constant_op(Importer &im, const std::string &op);  // every input constant: computed now
// The op types netc evaluates only when every input is a constant (shape arithmetic).
const std::set<std::string> &constant_only_ops();

// Reshape's target shape for an input of shape `input` (0 copies, -1 inferred); the node's.
std::vector<int64_t> reshape_target(Importer &im, const std::vector<int64_t> &input, const ConstTensor &target);

}  // namespace netc
