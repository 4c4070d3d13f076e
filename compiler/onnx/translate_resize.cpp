// Resize (opset 10+) and Upsample (7, 9): nearest, linear or cubic over H and W of an NCHW
// value, as FPN necks, SSDLite/DeepLab/LR-ASPP heads and U-Net decoders export them.
#include <cmath>

#include "onnx/importer.h"

namespace netc {

namespace {

// The output size and the scales ONNX computes the coordinates with, from `scales` (sizes are
// floor(input * scale)) or `sizes` (scale = output / input).
void output_size(Importer &im, const Value &x, const std::vector<double> &scales, const std::vector<int64_t> &sizes, Layer &l) {
    const int64_t in_h = x.shape[2], in_w = x.shape[3];
    // tf_crop_and_resize without sizes: the output covers the region of interest at the scale.
    const double span_h = l.resize.roi[2] - l.resize.roi[0], span_w = l.resize.roi[3] - l.resize.roi[1];
    if (!sizes.empty()) {
        if (sizes.size() != 4 || sizes[0] != x.shape[0] * im.batch() || sizes[1] != x.shape[1]) im.unsupported("sizes must keep N and C: [N, C, H, W]");
        if (sizes[2] < 1 || sizes[3] < 1 || sizes[2] > (1 << 16) || sizes[3] > (1 << 16)) im.unsupported("sizes out of range");
        l.resize.height = int(sizes[2]), l.resize.width = int(sizes[3]);
        return;
    }
    if (scales.size() != 4 || scales[0] != 1 || scales[1] != 1) im.unsupported("scales must be 1 for N and C: [1, 1, sh, sw]");
    if (!(scales[2] > 0 && scales[3] > 0 && scales[2] <= 1024 && scales[3] <= 1024)) im.unsupported("scales out of range");
    l.resize.scale_h = scales[2], l.resize.scale_w = scales[3];
    const bool crop = l.resize.coordinate == ResizeAttrs::TfCropAndResize;
    const double h = std::floor(double(in_h) * scales[2] * (crop ? span_h : 1)), w = std::floor(double(in_w) * scales[3] * (crop ? span_w : 1));
    if (h < 1 || w < 1 || h > (1 << 16) || w > (1 << 16)) im.unsupported("the output size is out of range");
    l.resize.height = int(h), l.resize.width = int(w);
}

void set_mode(Importer &im, Layer &l, const std::string &mode) {
    if (mode == "nearest") l.resize.mode = ResizeAttrs::Nearest;
    else if (mode == "linear" || mode == "bilinear") l.resize.mode = ResizeAttrs::Linear;
    else if (mode == "cubic" && im.node->op_type() == "Resize" && im.opset >= 11) l.resize.mode = ResizeAttrs::Cubic;
    else im.unsupported("mode \"" + mode + "\" (netc resizes nearest, linear or cubic)");
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
    if (im.attr_int("antialias", 0) != 0) im.unsupported("antialias 1");
    if (im.has_attr("axes")) im.unsupported("the axes attribute");
    if (im.attr_string("keep_aspect_ratio_policy", "stretch") != "stretch") im.unsupported("keep_aspect_ratio_policy other than stretch");
    l.resize.cubic_a = im.attr_float("cubic_coeff_a", -0.75f);
    l.resize.exclude_outside = im.attr_int("exclude_outside", 0) != 0;
    l.resize.extrapolation_value = im.attr_float("extrapolation_value", 0.0f);
    if (!std::isfinite(l.resize.cubic_a) || !std::isfinite(l.resize.extrapolation_value))
        im.unsupported("cubic_coeff_a and extrapolation_value must be finite");
    // roi (input 1) matters only for tf_crop_and_resize: [starts..., ends...] over N, C, H, W.
    if (l.resize.coordinate == ResizeAttrs::TfCropAndResize) {
        if (!im.has_input(1)) im.unsupported("tf_crop_and_resize without roi");
        const std::vector<double> roi = constant_doubles(im, 1);
        if (roi.size() != 8 || roi[0] != 0 || roi[1] != 0 || roi[4] != 1 || roi[5] != 1)
            im.unsupported("roi must be [0, 0, top, left, 1, 1, bottom, right] (the whole of N and C)");
        for (double v : roi)
            if (!std::isfinite(v) || std::abs(v) > 1e6) im.unsupported("roi values must be finite");
        l.resize.roi[0] = roi[2], l.resize.roi[1] = roi[3], l.resize.roi[2] = roi[6], l.resize.roi[3] = roi[7];
    }
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
