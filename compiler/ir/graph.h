// The graph IR: what the spec describes, after parsing, as layers in topological order.
//
// Activations are batch-1 float32 tensors in HWC order (channels innermost), described
// by Shape{h, w, c}. A dense layer's output is Shape{1, 1, units}. Layer 0 is always the
// model input (OpKind::Input). Passes take a Graph and return a new Graph.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/detection.h"

namespace netc {

struct Shape {
    int h = 0, w = 0, c = 0;
    int64_t elements() const { return int64_t(h) * w * c; }
    bool operator==(const Shape &o) const { return h == o.h && w == o.w && c == o.c; }
    bool operator!=(const Shape &o) const { return !(*this == o); }
};

std::string to_string(const Shape &s);  // "112x112x32"

enum class OpKind {
    Input,
    Conv2D,           // groups, dilation; weight (out, in/groups, kh, kw)
    DepthwiseConv2D,  // multiplier; weight (c*multiplier, 1, kh, kw)
    BatchNorm,        // gamma, beta, mean, var (c)
    Affine,           // x · scale + shift, elementwise: scale and shift (h, w, c), the input's shape (ONNX arithmetic with a full constant)
    Relu,
    Relu6,
    HSwish,           // x·relu6(x+3)/6 (MobileNetV3)
    HSigmoid,         // relu6(x+3)/6
    Sigmoid,
    Clip,             // min(max(x, act.alpha), act.beta); either bound may be infinite (absent)
    LeakyRelu,        // x >= 0 ? x : act.alpha * x (PRelu with one slope)
    HardSigmoid,      // clamp(act.alpha * x + act.beta, 0, 1) (ONNX's; hsigmoid is alpha 1/6, beta 1/2)
    GlobalAvgPool,
    AvgPool,          // padding positions are excluded from the average (TensorFlow's rule)
    MaxPool,          // padding positions never win (as if padded with -infinity)
    Dense,            // input flattened in HWC order; weight (out, in)
    Softmax,          // over channels, or over width or height (softmax_axis)
    Add,              // inputs: two tensors of the same shape (residual connections)
    Mul,              // inputs: x and a gate of x's shape or 1x1xC (squeeze-excite's channel scale)
    Concat,           // inputs: two or more tensors of the same height and width, along channels
    Reshape,          // same values in the same HWC order, another shape (flatten, SSD's [priors, classes])
    Resize,           // to resize.height x resize.width, nearest, bilinear or bicubic (ONNX Resize/Upsample; FPN, segmentation heads)
    Pad,              // spatial padding by `padding` (explicit), with pad_value, or by repeating the edge or reflecting
    ConvTranspose2D,  // groups, dilation, padding (removed from the full output), output_padding; weight (in, out/groups, kh, kw)
    SeparableConv,    // composite: expanded by expand_composites before anything else
    InvertedResidual, // composite (MobileNetV2/V3 block): expand 1x1, depthwise, [squeeze-excite], project 1x1, [add]
};

// A layer name with every character but letters, digits and '_' replaced by '_': for the
// generated C functions and Halide Funcs, whose names have rules layer names do not.
std::string identifier_safe(const std::string &name);

const char *op_name(OpKind k);                     // the spec's spelling, e.g. "depthwise_conv2d"
bool op_from_name(const std::string &s, OpKind *k);
std::vector<std::string> spec_op_names();          // every op a spec may name, in kOpNames' order
// add, mul and concat read several layers ("inputs"); every other op reads one.
bool reads_several_inputs(OpKind k);

enum class Activation { None, Relu, Relu6, HSwish, HSigmoid, Sigmoid, Clip, LeakyRelu, HardSigmoid };
// The numbers of the activations that have them (Clip, LeakyRelu, HardSigmoid: see OpKind).
struct ActivationParams {
    float alpha = 0, beta = 0;
    bool operator==(const ActivationParams &o) const { return alpha == o.alpha && beta == o.beta; }
};
// Whether an activation needs ActivationParams (and so cannot be named alone in a spec's
// "activation" field).
bool activation_has_params(Activation a);
const char *activation_name(Activation a);
// The elementwise op that is the activation a (Relu6 ↔ Activation::Relu6, ...), and back.
bool activation_of_op(OpKind k, Activation *a);
Activation activation_of(OpKind k);  // the same, Activation::None for an op that is no activation
bool activation_from_name(const std::string &s, Activation *a);  // "relu6" → Activation::Relu6
OpKind op_of_activation(Activation a);

// A resize's attributes, with ONNX Resize's meanings: the source coordinate of output pixel x
// is coord(x) by `coordinate`, then rounded by `nearest` (nearest) or interpolated between its
// two neighbours (linear), neighbours clamped to the input.
// Cubic interpolates between four neighbours with Keys' kernel of parameter cubic_a (ONNX's
// default -0.75; PyTorch's bicubic and OpenCV use it); exclude_outside drops the neighbours
// outside the input and renormalises. TfCropAndResize maps the output onto the region
// roi = [top, left, bottom, right] of the input (fractions of it), extrapolation_value outside.
struct ResizeAttrs {
    enum Mode { Nearest, Linear, Cubic } mode = Nearest;
    enum Coordinate { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize } coordinate = HalfPixel;
    enum Rounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil } nearest = RoundPreferFloor;
    int height = 0, width = 0;             // the output's
    double scale_h = 0, scale_w = 0;       // output / input as given (ONNX scales); 0: height / input height
    double cubic_a = -0.75;
    bool exclude_outside = false;
    double roi[4] = {0, 0, 1, 1};          // TfCropAndResize
    double extrapolation_value = 0;        // TfCropAndResize
};

// Where a softmax normalises: along the channels of each pixel (a classifier's scores), or
// along a row (width) or column (height) of each channel.
enum class SoftmaxAxis { Channels, Width, Height };
const char *softmax_axis_name(SoftmaxAxis a);
bool softmax_axis_from_name(const std::string &s, SoftmaxAxis *a);

// A standalone pad's values outside the input: pad_value, the nearest edge pixel, or the
// input mirrored about its edge pixel (ONNX's constant, edge and reflect modes).
enum class PadMode { Constant, Edge, Reflect };
const char *pad_mode_name(PadMode m);
bool pad_mode_from_name(const std::string &s, PadMode *m);

// The spec's (and ONNX's) names of ResizeAttrs' values, and back; false for an unknown name.
const char *resize_mode_name(ResizeAttrs::Mode m);
const char *resize_coordinate_name(ResizeAttrs::Coordinate c);
const char *resize_rounding_name(ResizeAttrs::Rounding r);
bool resize_mode_from_name(const std::string &s, ResizeAttrs::Mode *m);
bool resize_coordinate_from_name(const std::string &s, ResizeAttrs::Coordinate *c);
bool resize_rounding_from_name(const std::string &s, ResizeAttrs::Rounding *r);

struct Padding {
    enum Mode { Same, Valid, Explicit } mode = Valid;
    int top = 0, left = 0, bottom = 0, right = 0;  // the spec's values for Explicit; resolved by infer_shapes
};

// A weight tensor. Shapes follow PyTorch's order (see above).
struct Tensor {
    std::vector<int64_t> shape;
    std::vector<float> data;
    int64_t elements() const {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        return n;
    }
};

struct Layer {
    std::string name;
    OpKind op = OpKind::Input;
    std::vector<int> inputs;  // indices of earlier layers (several only for add, mul, concat)

    // Attributes (which ones apply depends on op; the parser fills the rest with defaults).
    int filters = 0;          // conv2d, separable_conv: output channels; dense: units
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int dilation_h = 1, dilation_w = 1;
    int groups = 1;           // conv2d
    int multiplier = 1;       // depthwise_conv2d, separable_conv
    Padding padding;          // after infer_shapes: mode kept, top/left/bottom/right resolved
    bool bias = false;        // conv2d, depthwise_conv2d, dense
    bool batchnorm = true;    // separable_conv: BN after depthwise and after pointwise
    bool normalize_depthwise = true;  // separable_conv: false = nothing between depthwise and pointwise (Keras, Xception)
    int expansion = 0;        // inverted_residual: expanded channels = input channels × expansion ...
    int expand_channels = 0;  // ... or given directly (MobileNetV3 lists them)
    int se_channels = 0;      // inverted_residual: squeeze-excite reduce channels (0: no squeeze-excite)
    Activation se_gate = Activation::HSigmoid;
    bool scale_width = true;  // conv2d, separable_conv, inverted_residual: follows the width multiplier
    float epsilon = 1e-5f;    // batchnorm, separable_conv
    Activation activation = Activation::None;  // fused activation (set by the spec or by fuse_activations)
    // The numbers of this layer's op when it is clip / leaky_relu / hard_sigmoid, or of its
    // fused activation when that is one of those (an op and a fused activation never both need them).
    ActivationParams act;

    Shape reshape_to;         // reshape: the spec's [H, W, C]; one entry may be -1 (inferred)
    ResizeAttrs resize;       // resize
    SoftmaxAxis softmax_axis = SoftmaxAxis::Channels;  // softmax
    PadMode pad_mode = PadMode::Constant;              // pad (its amounts are `padding`)
    float pad_value = 0;                               // pad, constant mode
    int output_pad_h = 0, output_pad_w = 0;            // conv_transpose2d: rows/columns added at the bottom/right

    Shape out;  // filled by infer_shapes

    // Weights by role: "weight", "bias" (conv, dense); "gamma", "beta", "mean", "var" (batchnorm).
    // Stored under "<layer>.<role>" in safetensors files.
    std::map<std::string, Tensor> params;

    // The layers folded or fused into this one by the passes (a BatchNorm, an activation), in
    // order: what its compiled stage computes besides itself (`netc summary --stages`).
    std::vector<std::string> absorbed;

    // Where the layer came from, for error messages: JSON path in the spec ("layers[3]"),
    // or the composite it was expanded from ("layers[3] (separable_conv 'block1')").
    std::string origin;
};

struct InputInfo {
    std::string name = "input";
    Shape shape;
    // Items per call. The compiled pipeline computes one item; the runtime and the reference
    // run it batch times, item after item (no layer mixes items of a batch).
    int batch = 1;
    std::vector<float> mean;   // per channel; applied by the runtime to uint8 inputs: (v - mean) * scale
    std::vector<float> scale;
    // How a photo becomes this input, as the model states it: a spec by its mean and scale (0
    // and 1 when it says nothing); an imported model by MODEL.preprocess.json beside it, or
    // not at all (pixels_known false: `netc run` then asks for --normalize).
    bool pixels_known = true;
    bool stretch = false;        // the whole photo resized to the input, aspect not kept (else a center crop)
    bool align_corners = false;  // TF's resize_bilinear(align_corners=True) (else PIL's bilinear filter)
    bool bgr = false;            // channels in BGR order
    std::string preprocess_file; // MODEL.preprocess.json when one was read
};

struct WeightsSource {
    std::string file;          // safetensors path (resolved relative to the spec), or empty
    bool random = false;       // {"init": "random", "seed": N}
    uint64_t seed = 0;
};

// How the file a model came from declares one of its tensors, which netc holds channels-last:
// the declared shape (ONNX's [1, C, H, W], [1, 1000], ...) and whether netc's values are it
// transposed NCHW → HWC (else the same values, row-major). `netc run` takes and writes tensors
// as declared. An empty shape: a spec's tensor, declared as netc holds it.
struct DeclaredTensor {
    std::vector<int64_t> shape;
    bool nchw = false;
};

// What a model was read from: a netc spec (weights beside it) or a file that carries its
// weights.
enum class ModelFormat { Spec, Onnx, TfjsLayers, TfjsGraph };
const char *model_format_name(ModelFormat f);  // "netc spec", "ONNX model", "TF.js layers model", "TF.js graph model"

struct Graph {
    std::string name;
    std::string spec_file;     // for error messages
    ModelFormat format = ModelFormat::Spec;
    InputInfo input;
    WeightsSource weights;
    int width_divisor = 1;     // width multiplier rounding: 1 = floor (MobileNetV1, Keras), 8 = V2/V3's make_divisible
    std::vector<Layer> layers; // layers[0] is the input
    std::vector<int> outputs;
    DeclaredTensor declared_input;                // as the model file declares the input (ONNX), or empty
    std::vector<DeclaredTensor> declared_outputs; // one per entry of outputs, or empty
    DetectionSpec detection;   // a detector's post-processing ("detection" in the spec), if present

    int find(const std::string &layer_name) const;  // -1 if absent
    // Indices of the layers that read layer i.
    std::vector<int> consumers(int i) const;
    bool is_output(int i) const;
};

}  // namespace netc

namespace netc {

// Removes layer `j` (which must have one input), making its readers and any output that
// named it read its input instead. The building block of the fusion passes.
Graph bypass_layer(const Graph &g, int j);

}  // namespace netc
