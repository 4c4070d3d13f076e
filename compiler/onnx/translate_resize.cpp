// Resize (opset 10+) and Upsample (7, 9): nearest or linear over H and W of an NCHW value,
// as FPN necks, SSDLite/DeepLab/LR-ASPP heads and U-Net decoders export them.
#include <cmath>

#include "onnx/importer.h"

namespace netc {

namespace {

// The output size and the scales ONNX computes the coordinates with, from `scales` (sizes are
// floor(input * scale)) or `sizes` (scale = output / input).
void output_size(Importer &im, const Value &x, const std::vector<double> &scales, const std::vector<int64_t> &sizes, Layer &l) {
    const int64_t in_h = x.shape[2], in_w = x.shape[3];
    if (!sizes.empty()) {
        if (sizes.size() != 4 || sizes[0] != x.shape[0] || sizes[1] != x.shape[1]) im.unsupported("sizes must keep N and C: [N, C, H, W]");
        if (sizes[2] < 1 || sizes[3] < 1 || sizes[2] > (1 << 16) || sizes[3] > (1 << 16)) im.unsupported("sizes out of range");
        l.resize.height = int(sizes[2]), l.resize.width = int(sizes[3]);
        return;
    }
    if (scales.size() != 4 || scales[0] != 1 || scales[1] != 1) im.unsupported("scales must be 1 for N and C: [1, 1, sh, sw]");
    if (!(scales[2] > 0 && scales[3] > 0 && scales[2] <= 1024 && scales[3] <= 1024)) im.unsupported("scales out of range");
    l.resize.scale_h = scales[2], l.resize.scale_w = scales[3];
    const double h = std::floor(double(in_h) * scales[2]), w = std::floor(double(in_w) * scales[3]);
    if (h < 1 || w < 1 || h > (1 << 16) || w > (1 << 16)) im.unsupported("the output size is out of range");
    l.resize.height = int(h), l.resize.width = int(w);
}

void set_mode(Importer &im, Layer &l, const std::string &mode) {
    if (mode == "nearest") l.resize.mode = ResizeAttrs::Nearest;
    else if (mode == "linear" || mode == "bilinear") l.resize.mode = ResizeAttrs::Linear;
    else im.unsupported("mode \"" + mode + "\" (netc resizes nearest or linear)");
}

Value add_resize(Importer &im, const Value &x, Layer &l) {
    l.op = OpKind::Resize;
    l.inputs = {x.layer};
    return im.nchw_value(im.add_layer(l));
}

const Value &spatial_input(Importer &im) {
    const Value &x = im.activation(0);
    if (x.layout != Value::Nchw || x.shape.size() != 4) im.unsupported("input must be a [1, C, H, W] activation");
    return x;
}

std::vector<double> constant_doubles(Importer &im, int k) {
    const ConstTensor &t = im.constant(k);
    return t.values;
}

void resize(Importer &im) {
    const Value &x = spatial_input(im);
    Layer l;
    set_mode(im, l, im.attr_string("mode", "nearest"));
    if (im.opset < 11) {
        // Resize-10: scales only, asymmetric coordinates, nearest rounding down (as Upsample).
        l.resize.coordinate = ResizeAttrs::Asymmetric;
        l.resize.nearest = ResizeAttrs::Floor;
        output_size(im, x, constant_doubles(im, 1), {}, l);
        im.set_output(0, add_resize(im, x, l));
        return;
    }
    const std::string coordinate = im.attr_string("coordinate_transformation_mode", "half_pixel");
    if (!resize_coordinate_from_name(coordinate, &l.resize.coordinate))
        im.unsupported("coordinate_transformation_mode \"" + coordinate + "\"");
    const std::string nearest = im.attr_string("nearest_mode", "round_prefer_floor");
    if (!resize_rounding_from_name(nearest, &l.resize.nearest)) im.unsupported("nearest_mode \"" + nearest + "\"");
    // roi (input 1) matters only for tf_crop_and_resize, refused above.
    std::vector<double> scales;
    std::vector<int64_t> sizes;
    if (im.has_input(3)) sizes = im.constant_ints(3);
    if (sizes.empty() && im.has_input(2)) scales = constant_doubles(im, 2);
    if (sizes.empty() && scales.empty()) im.unsupported("neither scales nor sizes");
    output_size(im, x, scales, sizes, l);
    im.set_output(0, add_resize(im, x, l));
}

void upsample(Importer &im) {
    const Value &x = spatial_input(im);
    Layer l;
    set_mode(im, l, im.attr_string("mode", "nearest"));
    l.resize.coordinate = ResizeAttrs::Asymmetric;
    l.resize.nearest = ResizeAttrs::Floor;
    std::vector<double> scales;
    if (im.has_input(1)) {
        scales = constant_doubles(im, 1);
    } else if (const onnx::AttributeProto *a = im.attr("scales")) {
        for (float f : a->floats()) scales.push_back(f);
    }
    output_size(im, x, scales, {}, l);
    im.set_output(0, add_resize(im, x, l));
}

}  // namespace

void add_resize_ops(OpTranslators &t) {
    t["Resize"] = resize;
    t["Upsample"] = upsample;
}

}  // namespace netc
