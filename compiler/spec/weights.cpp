#include "spec/weights.h"

#include <cmath>

#include "spec/calibrate_batchnorm.h"
#include "spec/diagnostic.h"
#include "spec/safetensors.h"

namespace netc {

std::string shape_string(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::vector<ParamShape> param_shapes(const Graph &g, int i) {
    const Layer &l = g.layers[size_t(i)];
    std::vector<ParamShape> p;
    if (l.op == OpKind::Input) return p;
    const Shape in = g.layers[size_t(l.inputs[0])].out;
    switch (l.op) {
    case OpKind::Conv2D:
        p.push_back({"weight", {l.filters, in.c / l.groups, l.kernel_h, l.kernel_w}, true});
        if (l.bias) p.push_back({"bias", {l.filters}, true});
        break;
    case OpKind::ConvTranspose2D:
        p.push_back({"weight", {in.c, l.filters / std::max(l.groups, 1), l.kernel_h, l.kernel_w}, true});
        if (l.bias) p.push_back({"bias", {l.filters}, true});
        break;
    case OpKind::DepthwiseConv2D:
        p.push_back({"weight", {int64_t(in.c) * l.multiplier, 1, l.kernel_h, l.kernel_w}, true});
        if (l.bias) p.push_back({"bias", {int64_t(in.c) * l.multiplier}, true});
        break;
    case OpKind::Dense:
        p.push_back({"weight", {l.filters, in.elements()}, true});
        if (l.bias) p.push_back({"bias", {l.filters}, true});
        break;
    case OpKind::Affine:
        p.push_back({"scale", {in.h, in.w, in.c}, true});
        p.push_back({"shift", {in.h, in.w, in.c}, true});
        break;
    case OpKind::BatchNorm:
        p.push_back({"gamma", {in.c}, true});
        p.push_back({"beta", {in.c}, true});
        p.push_back({"mean", {in.c}, false});
        p.push_back({"var", {in.c}, false});
        break;
    default: break;
    }
    return p;
}

namespace {

// splitmix64: tiny, well distributed, and identical on every platform, so a seed means
// the same weights everywhere.
struct Rng {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    float uniform(float lo, float hi) { return lo + (hi - lo) * float(next() >> 40) * (1.0f / 16777216.0f); }
};

uint64_t hash_name(const std::string &s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

Tensor random_tensor(const Layer &l, const ParamShape &ps, uint64_t seed) {
    Tensor t;
    t.shape = ps.shape;
    t.data.resize(size_t(t.elements()));
    // One stream per tensor, so adding a layer does not change the others' values.
    Rng rng{seed ^ hash_name(l.name + "." + ps.role)};
    float lo = -0.1f, hi = 0.1f;  // biases, beta, mean
    if (ps.role == "weight") {
        int64_t fan_in = 1;
        for (size_t d = 1; d < ps.shape.size(); d++) fan_in *= ps.shape[d];
        float a = std::sqrt(6.0f / float(fan_in));  // He-uniform: keeps activations' scale through ReLUs
        lo = -a, hi = a;
    } else if (ps.role == "gamma" || ps.role == "var") {
        lo = 0.5f, hi = 1.5f;
    }
    for (float &v : t.data) v = rng.uniform(lo, hi);
    return t;
}

}  // namespace

// 2^31 values (8 GiB of float32): far past any depthwise-separable CNN's largest weight.
constexpr int64_t kMaxWeightElements = int64_t(1) << 31;

Graph with_random_weights(const Graph &g, uint64_t seed) {
    Graph out = g;
    for (size_t i = 0; i < out.layers.size(); i++) {
        Layer &l = out.layers[i];
        l.params.clear();
        for (const auto &ps : param_shapes(out, int(i))) {
            // Before the allocation: a 2^24-filter conv of 2^24 channels asks for 2^48+ values.
            int64_t n = 1;
            for (int64_t d : ps.shape)
                if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > kMaxWeightElements)
                    fail(g.spec_file, l.name, l.name + "." + ps.role, "shape " + shape_string(ps.shape) + " holds more than the " +
                                                                           std::to_string(kMaxWeightElements) + " values netc takes in a weight");
            l.params[ps.role] = random_tensor(l, ps, seed);
        }
    }
    return out;
}

Graph bind_weights(const Graph &g) {
    if (g.weights.random) return calibrate_batchnorm(with_random_weights(g, g.weights.seed), g.weights.seed);
    const auto file = read_safetensors(g.weights.file);
    Graph out = g;
    for (size_t i = 0; i < out.layers.size(); i++) {
        Layer &l = out.layers[i];
        l.params.clear();
        for (const auto &ps : param_shapes(out, int(i))) {
            const std::string key = l.name + "." + ps.role;
            auto it = file.find(key);
            if (it == file.end()) fail(g.weights.file, l.name, key, "tensor missing; expected shape " + shape_string(ps.shape));
            if (it->second.shape != ps.shape)
                fail(g.weights.file, l.name, key, "has shape " + shape_string(it->second.shape) + ", expected " + shape_string(ps.shape) +
                                                     (ps.role == "weight" && l.op != OpKind::Dense ? " (out, in/groups, kh, kw)" : ""));
            l.params[ps.role] = Tensor{it->second.shape, it->second.data};
        }
    }
    return out;
}

void write_safetensors(const Graph &g, const std::string &path) {
    std::map<std::string, SafetensorsEntry> tensors;
    for (const auto &l : g.layers)
        for (const auto &[role, t] : l.params) tensors[l.name + "." + role] = SafetensorsEntry{t.shape, t.data};
    write_safetensors_file(path, tensors);
}

}  // namespace netc
