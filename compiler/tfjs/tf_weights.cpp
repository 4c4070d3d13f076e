#include "tfjs/tf_weights.h"

namespace netc {

Tensor conv_weight_from_hwio(const std::vector<float> &k, int64_t kh, int64_t kw, int64_t cin, int64_t cout) {
    Tensor t;
    t.shape = {cout, cin, kh, kw};
    t.data.resize(k.size());
    for (int64_t y = 0; y < kh; y++)
        for (int64_t x = 0; x < kw; x++)
            for (int64_t ci = 0; ci < cin; ci++)
                for (int64_t co = 0; co < cout; co++) t.data[size_t(((co * cin + ci) * kh + y) * kw + x)] = k[size_t(((y * kw + x) * cin + ci) * cout + co)];
    return t;
}

Tensor depthwise_weight_from_hwim(const std::vector<float> &k, int64_t kh, int64_t kw, int64_t cin, int64_t m) {
    Tensor t;
    t.shape = {cin * m, 1, kh, kw};
    t.data.resize(k.size());
    for (int64_t y = 0; y < kh; y++)
        for (int64_t x = 0; x < kw; x++)
            for (int64_t ci = 0; ci < cin; ci++)
                for (int64_t j = 0; j < m; j++) t.data[size_t(((ci * m + j) * kh + y) * kw + x)] = k[size_t(((y * kw + x) * cin + ci) * m + j)];
    return t;
}

Tensor dense_weight_from_io(const std::vector<float> &k, int64_t in, int64_t out) {
    Tensor t;
    t.shape = {out, in};
    t.data.resize(k.size());
    for (int64_t i = 0; i < in; i++)
        for (int64_t o = 0; o < out; o++) t.data[size_t(o * in + i)] = k[size_t(i * out + o)];
    return t;
}

}  // namespace netc
