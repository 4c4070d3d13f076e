// Gemm and MatMul with constant weights: netc's dense layer, whose weight is (units, inputs)
// over its input flattened in HWC order.
#include "onnx/importer.h"

namespace netc {

namespace {

// A dense layer reading `x` ([1, N]) with `w` given as w(unit, n) in ONNX's flat order of x.
void dense(Importer &im, const Value &x, int64_t units, const std::function<double(int64_t, int64_t)> &w,
           const std::vector<double> &bias) {
    if (x.shape.size() != 2 || x.shape[0] != 1) im.unsupported("input must be [1, N]");
    const int64_t n = x.shape[1];
    if (x.layout != Value::FlatChw && !Importer::row_major_compatible(x)) im.unsupported("input must be a flattened vector");
    const Shape s = im.shape_of(x.layer);
    if (s.elements() != n) im.unsupported("internal: the input holds " + std::to_string(s.elements()) + " values, not " + std::to_string(n));
    Tensor weight;
    weight.shape = {units, n};
    weight.data.resize(size_t(units * n));
    for (int64_t u = 0; u < units; u++)
        for (int64_t hwc = 0; hwc < n; hwc++) {
            // netc flattens HWC; a Flatten of NCHW data numbered the same element (c, h, w).
            int64_t onnx_col = hwc;
            if (x.layout == Value::FlatChw) {
                const int64_t c = hwc % s.c, px = hwc / s.c;
                onnx_col = c * (int64_t(s.h) * s.w) + px;
            }
            weight.data[size_t(u * n + hwc)] = float(w(u, onnx_col));
        }
    Layer l;
    l.op = OpKind::Dense;
    l.filters = int(units);
    l.inputs = {x.layer};
    std::map<std::string, Tensor> params{{"weight", weight}};
    l.bias = !bias.empty();
    if (l.bias) params["bias"] = Tensor{{units}, std::vector<float>(bias.begin(), bias.end())};
    Value v;
    v.layout = Value::RowMajor;
    v.shape = {1, units};
    v.layer = im.add_layer(l, params);
    im.set_output(0, v);
}

void gemm(Importer &im) {
    const Value &a = im.activation(0);
    const ConstTensor &b = im.constant(1);
    if (im.attr_int("transA", 0) != 0) im.unsupported("transA 1");
    if (b.dims.size() != 2) im.unsupported("B must be a matrix");
    const bool trans_b = im.attr_int("transB", 0) != 0;
    const double alpha = im.attr_float("alpha", 1.0f), beta = im.attr_float("beta", 1.0f);
    const int64_t n = trans_b ? b.dims[1] : b.dims[0], units = trans_b ? b.dims[0] : b.dims[1];
    if (a.shape.size() != 2 || a.shape[1] != n) im.unsupported("A's columns do not match B");
    std::vector<double> bias;
    if (im.has_input(2)) {
        const ConstTensor &c = im.constant(2);
        if (c.elements() == units) {
            for (double v : c.values) bias.push_back(beta * v);
        } else if (c.elements() == 1) {
            bias.assign(size_t(units), beta * c.values[0]);
        } else {
            im.unsupported("C must have one value per output");
        }
    }
    dense(im, a, units, [&](int64_t u, int64_t k) { return alpha * (trans_b ? b.values[size_t(u * n + k)] : b.values[size_t(k * units + u)]); },
          bias);
}

void matmul(Importer &im) {
    const Value &a = im.activation(0);
    const ConstTensor &b = im.constant(1);
    if (b.dims.size() != 2) im.unsupported("B must be a constant matrix");
    const int64_t n = b.dims[0], units = b.dims[1];
    if (a.shape.size() != 2 || a.shape[1] != n) im.unsupported("A must be [1, " + std::to_string(n) + "]");
    dense(im, a, units, [&](int64_t u, int64_t k) { return b.values[size_t(k * units + u)]; }, {});
}

}  // namespace

void add_dense_ops(OpTranslators &t) {
    t["Gemm"] = gemm;
    t["MatMul"] = matmul;
}

}  // namespace netc
