#include "io/preprocess.h"

#include <algorithm>
#include <cmath>

namespace netc {

namespace {

// The weights of one output pixel along one axis: PIL's bilinear (triangle) filter, its
// support widened by the scale when shrinking (an antialiasing average), normalised to sum 1.
struct Taps {
    int first = 0;
    std::vector<double> w;
};

std::vector<Taps> axis_taps(int in, int out) {
    const double scale = double(in) / out, filter_scale = std::max(scale, 1.0), support = filter_scale;
    std::vector<Taps> taps(static_cast<size_t>(out));
    for (int o = 0; o < out; o++) {
        const double center = (o + 0.5) * scale;
        const int lo = std::max(int(center - support + 0.5), 0), hi = std::min(int(center + support + 0.5), in);
        Taps &t = taps[size_t(o)];
        t.first = lo;
        double sum = 0;
        for (int i = lo; i < hi; i++) {
            const double x = std::fabs((i - center + 0.5) / filter_scale);
            const double v = x < 1 ? 1 - x : 0;
            t.w.push_back(v);
            sum += v;
        }
        if (sum > 0)
            for (double &v : t.w) v /= sum;
    }
    return taps;
}

uint8_t to_u8(double v) { return uint8_t(std::min(255.0, std::max(0.0, std::round(v)))); }

}  // namespace

const char *const kNormalizationNames = "imagenet, signed, unit or none";

bool named_normalization(const std::string &name, std::vector<float> *mean, std::vector<float> *scale) {
    if (name == "imagenet") {
        *mean = {0.485f * 255, 0.456f * 255, 0.406f * 255};
        *scale = {1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255)};
    } else if (name == "signed") {
        *mean = {127.5f}, *scale = {1 / 127.5f};
    } else if (name == "unit") {
        *mean = {0.0f}, *scale = {1 / 255.0f};
    } else if (name == "none") {
        *mean = {0.0f}, *scale = {1.0f};
    } else {
        return false;
    }
    return true;
}

Image resize_bilinear(const Image &in, int width, int height) {
    Image mid;  // horizontal pass: in.height x width
    mid.width = width, mid.height = in.height;
    mid.rgb.resize(size_t(width) * size_t(in.height) * 3);
    const std::vector<Taps> tx = axis_taps(in.width, width);
    for (int y = 0; y < in.height; y++)
        for (int x = 0; x < width; x++)
            for (int c = 0; c < 3; c++) {
                const Taps &t = tx[size_t(x)];
                double v = 0;
                for (size_t k = 0; k < t.w.size(); k++) v += t.w[k] * in.rgb[(size_t(y) * size_t(in.width) + size_t(t.first) + k) * 3 + size_t(c)];
                mid.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = to_u8(v);
            }
    Image out;
    out.width = width, out.height = height;
    out.rgb.resize(size_t(width) * size_t(height) * 3);
    const std::vector<Taps> ty = axis_taps(in.height, height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            for (int c = 0; c < 3; c++) {
                const Taps &t = ty[size_t(y)];
                double v = 0;
                for (size_t k = 0; k < t.w.size(); k++) v += t.w[k] * mid.rgb[((size_t(t.first) + k) * size_t(width) + size_t(x)) * 3 + size_t(c)];
                out.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = to_u8(v);
            }
    return out;
}

namespace {

// TF's resize_bilinear(align_corners=true) of normalised float pixels: output (y, x) samples
// the input at (y·(H−1)/(h−1), x·(W−1)/(w−1)), blending the four pixels around it.
std::vector<float> align_corners_input(const Image &img, int height, int width, const Preprocess &p) {
    auto per = [](const std::vector<float> &v, int c, float dflt) { return v.empty() ? dflt : v[v.size() == 1 ? 0 : size_t(c)]; };
    std::vector<float> full(size_t(img.width) * size_t(img.height) * 3);
    for (size_t i = 0; i < full.size(); i++) {
        const int c = int(i % 3), src = p.bgr ? 2 - c : c;
        full[i] = (float(img.rgb[i - size_t(c) + size_t(src)]) - per(p.mean, c, 0.0f)) * per(p.scale, c, 1.0f);
    }
    if (img.width == width && img.height == height) return full;
    const double ry = height > 1 ? double(img.height - 1) / (height - 1) : 0, rx = width > 1 ? double(img.width - 1) / (width - 1) : 0;
    auto at = [&](int y, int x, int c) { return double(full[(size_t(y) * size_t(img.width) + size_t(x)) * 3 + size_t(c)]); };
    std::vector<float> out(size_t(height) * size_t(width) * 3);
    for (int y = 0; y < height; y++) {
        const double sy = ry * y;
        const int y0 = int(std::floor(sy)), y1 = std::min(y0 + 1, img.height - 1);
        const double fy = sy - y0;
        for (int x = 0; x < width; x++) {
            const double sx = rx * x;
            const int x0 = int(std::floor(sx)), x1 = std::min(x0 + 1, img.width - 1);
            const double fx = sx - x0;
            for (int c = 0; c < 3; c++) {
                const double top = at(y0, x0, c) + (at(y0, x1, c) - at(y0, x0, c)) * fx;
                const double bottom = at(y1, x0, c) + (at(y1, x1, c) - at(y1, x0, c)) * fx;
                out[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = float(top + (bottom - top) * fy);
            }
        }
    }
    return out;
}

}  // namespace

std::vector<float> preprocess(const Image &img, int height, int width, const Preprocess &p) {
    if (p.resize == Preprocess::Resize::AlignCorners) return align_corners_input(img, height, width, p);
    Image sized;
    int top = 0, left = 0;
    if (img.width == width && img.height == height) {
        sized = img;  // already the input's size: taken as it is
    } else if (p.fit == Preprocess::Fit::Stretch) {
        sized = resize_bilinear(img, width, height);
    } else {
        // torchvision: Resize(int) sets the shorter side, the longer one truncated; CenterCrop
        // rounds the offsets.
        const int side = int(std::max(height, width) / p.crop_fraction);
        int w = side, h = side;
        if (img.width <= img.height) h = int(double(side) * img.height / img.width);
        else w = int(double(side) * img.width / img.height);
        w = std::max(w, width), h = std::max(h, height);
        sized = img.width == w && img.height == h ? img : resize_bilinear(img, w, h);
        top = int(std::nearbyint((h - height) / 2.0));  // half to even, as Python's round()
        left = int(std::nearbyint((w - width) / 2.0));
    }
    std::vector<float> out(size_t(height) * size_t(width) * 3);
    auto per = [](const std::vector<float> &v, int c, float dflt) { return v.empty() ? dflt : v[v.size() == 1 ? 0 : size_t(c)]; };
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            for (int c = 0; c < 3; c++) {
                const int src = p.bgr ? 2 - c : c;
                const float v = sized.rgb[((size_t(y + top) * size_t(sized.width)) + size_t(x + left)) * 3 + size_t(src)];
                out[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] = (v - per(p.mean, c, 0.0f)) * per(p.scale, c, 1.0f);
            }
    return out;
}

}  // namespace netc
