// A photo made into a network's input: resized (and center-cropped) to the input's height and
// width, channels ordered, normalised per channel. The resize is PIL's bilinear filter (a
// triangle that widens when shrinking, so a downscale averages rather than skips pixels), as
// torchvision's transforms and most training pipelines use it.
#pragma once

#include <string>
#include <vector>

#include "io/image.h"

namespace netc {

struct Preprocess {
    // crop: resize the shorter side to size / crop_fraction keeping the aspect ratio, then take
    // the center (torchvision's Resize(256) + CenterCrop(224) is crop_fraction 0.875);
    // stretch: resize the whole image to the input's size, aspect ratio not kept.
    enum class Fit { Crop, Stretch } fit = Fit::Crop;
    double crop_fraction = 0.875;
    // pil: PIL's bilinear filter on 8-bit pixels (torchvision); align_corners: TF's
    // resize_bilinear with align_corners on the normalised floats, corner pixels on corner
    // pixels (TF.js models: nsfwjs's preprocessing). Only with Fit::Stretch.
    enum class Resize { Pil, AlignCorners } resize = Resize::Pil;
    bool bgr = false;          // channels in BGR order (Caffe-trained networks)
    std::vector<float> mean;   // per channel (1 or 3 values), on 0..255 pixels: (p - mean) * scale
    std::vector<float> scale;
};

// The named normalisations as mean and scale on 0..255 pixels: imagenet (torchvision's),
// signed (TensorFlow's p/127.5 - 1), unit (p/255), none. False for any other name.
bool named_normalization(const std::string &name, std::vector<float> *mean, std::vector<float> *scale);
extern const char *const kNormalizationNames;  // "imagenet, signed, unit or none"

// PIL's Image.resize(size, BILINEAR): separable, horizontal pass first, each pass rounded to
// 8 bits as PIL does.
Image resize_bilinear(const Image &in, int width, int height);

// `img` as the float32 HWC input of a height x width x 3 network.
std::vector<float> preprocess(const Image &img, int height, int width, const Preprocess &p);

}  // namespace netc
