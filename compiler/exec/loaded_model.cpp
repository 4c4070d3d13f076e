#include "exec/loaded_model.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>

#include "spec/diagnostic.h"

namespace netc {

struct LoadedModel::Api {
    const netc_model *(*model)(void);
    const char *(*target)(const netc_model *);
    int32_t (*num_inputs)(const netc_model *);
    int32_t (*num_outputs)(const netc_model *);
    const netc_tensor_info *(*input)(const netc_model *, int32_t);
    const netc_tensor_info *(*output)(const netc_model *, int32_t);
    netc_status (*create)(const netc_model *, netc_session **);
    void (*destroy)(netc_session *);
    netc_status (*run)(netc_session *, const netc_tensor *, int32_t, netc_tensor *, int32_t);
    const char *(*error)(const netc_session *);
    int (*set_threads)(int);
    int32_t (*num_stages)(const netc_model *);
    const char *(*stage_name)(const netc_model *, int32_t);
    void (*profile)(netc_session *, double *);
    int32_t (*batch)(const netc_model *);
};

namespace {
// Not named bind: with <functional> in scope, std::bind's forwarding references would win
// the overload by argument-dependent lookup and these calls would silently do nothing.
template <typename F>
void bind_symbol(void *h, const std::string &path, const std::string &name, F *f) {
    *f = reinterpret_cast<F>(dlsym(h, name.c_str()));
    if (!*f) fail(path, "", "", "missing symbol " + name + " (not a library made by this netc?)");
}
}  // namespace

LoadedModel::LoadedModel(const std::string &dir, const std::string &model) {
    const std::string path = dir + "/lib" + model + ".so";
    // RTLD_LOCAL: two loaded models (or this process's libHalide) never share runtime state.
    handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) fail(path, "", "", std::string("cannot load the compiled model: ") + dlerror() + " (run `netc compile` first)");
    api_ = new Api{};
    bind_symbol(handle_, path, "netc_" + model + "_model", &api_->model);
    bind_symbol(handle_, path, "netc_model_target", &api_->target);
    bind_symbol(handle_, path, "netc_model_num_inputs", &api_->num_inputs);
    bind_symbol(handle_, path, "netc_model_num_outputs", &api_->num_outputs);
    bind_symbol(handle_, path, "netc_model_input", &api_->input);
    bind_symbol(handle_, path, "netc_model_output", &api_->output);
    bind_symbol(handle_, path, "netc_session_create", &api_->create);
    bind_symbol(handle_, path, "netc_session_destroy", &api_->destroy);
    bind_symbol(handle_, path, "netc_run", &api_->run);
    bind_symbol(handle_, path, "netc_session_error", &api_->error);
    bind_symbol(handle_, path, "netc_set_num_threads", &api_->set_threads);
    bind_symbol(handle_, path, "netc_model_num_stages", &api_->num_stages);
    bind_symbol(handle_, path, "netc_model_stage_name", &api_->stage_name);
    bind_symbol(handle_, path, "netc_session_profile", &api_->profile);
    bind_symbol(handle_, path, "netc_model_batch", &api_->batch);
    model_ = api_->model();
    if (api_->create(model_, &session_) != NETC_OK) fail(path, "", "", "cannot create a session (out of memory, or a runtime/ABI mismatch)");
}

LoadedModel::~LoadedModel() {
    if (session_) api_->destroy(session_);
    delete api_;
    if (handle_) dlclose(handle_);
}

void LoadedModel::set_threads(int n) { api_->set_threads(n); }

std::string LoadedModel::halide_target() { return api_->target(model_); }

namespace {

int64_t elements_of(const netc_tensor_info &info) {
    int64_t n = 1;
    for (int d = 0; d < info.rank; d++) n *= info.shape[d];
    return n;
}

// Items of {C, H, W} (a tensor the C API lays out channels first, shape {N, C, H, W}) from
// items of {H, W, C}, netc's order, or back.
std::vector<float> transposed(const netc_tensor_info &info, const std::vector<float> &v, bool to_nchw) {
    if (info.layout != NETC_LAYOUT_NCHW) return v;
    const int64_t c = info.shape[1], h = info.shape[2], w = info.shape[3], item = c * h * w;
    std::vector<float> out(v.size());
    for (size_t base = 0; base + size_t(item) <= v.size(); base += size_t(item))
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++)
                for (int64_t k = 0; k < c; k++) {
                    const size_t hwc = base + size_t((y * w + x) * c + k), chw = base + size_t((k * h + y) * w + x);
                    (to_nchw ? out[chw] : out[hwc]) = to_nchw ? v[hwc] : v[chw];
                }
    return out;
}

}  // namespace

// The caller's tensors for one call of netc_run: the input in the C API's layout, and
// outputs backed by `outs`.
struct LoadedModel::Call {
    std::vector<float> in_values;
    netc_tensor in;
    std::vector<netc_tensor> out;
};

LoadedModel::Call LoadedModel::prepare(const std::vector<float> &input, std::vector<std::vector<float>> &outs) const {
    const netc_tensor_info *ii = api_->input(model_, 0);
    const int64_t need = elements_of(*ii), batch = std::max(api_->batch(model_), 1);
    Call c;
    // netc's tools give one item or a whole batch, channels last; one item serves every item
    // of a batch (check, bench).
    if (int64_t(input.size()) == need) {
        c.in_values = input;
    } else if (batch > 1 && int64_t(input.size()) * batch == need) {
        for (int64_t b = 0; b < batch; b++) c.in_values.insert(c.in_values.end(), input.begin(), input.end());
    } else {
        fail("", ii->name, "", "input has " + std::to_string(input.size()) + " values, the model takes " + std::to_string(need) +
                                   (batch > 1 ? " (a batch of " + std::to_string(batch) + ")" : ""));
    }
    c.in_values = transposed(*ii, c.in_values, true);
    c.in = netc_tensor{NETC_FLOAT32, ii->rank, {}, c.in_values.data()};
    for (int d = 0; d < ii->rank; d++) c.in.shape[d] = ii->shape[d];
    const int n_out = api_->num_outputs(model_);
    outs.assign(static_cast<size_t>(n_out), {});
    std::vector<netc_tensor> out_t(static_cast<size_t>(n_out));
    for (int o = 0; o < n_out; o++) {
        const netc_tensor_info *oi = api_->output(model_, o);
        int64_t n = 1;
        out_t[size_t(o)] = netc_tensor{NETC_FLOAT32, oi->rank, {}, nullptr};
        for (int d = 0; d < oi->rank; d++) out_t[size_t(o)].shape[d] = oi->shape[d], n *= oi->shape[d];
        outs[size_t(o)].resize(size_t(n));
        out_t[size_t(o)].data = outs[size_t(o)].data();
    }
    c.out = out_t;
    return c;
}

void LoadedModel::call(Call &c) {
    if (api_->run(session_, &c.in, 1, c.out.data(), int32_t(c.out.size())) != NETC_OK)
        fail("", "", "", std::string("inference failed: ") + api_->error(session_));
}

std::vector<std::vector<float>> LoadedModel::run(const std::vector<float> &input) {
    std::vector<std::vector<float>> outs;
    Call c = prepare(input, outs);
    call(c);
    for (size_t o = 0; o < outs.size(); o++) outs[o] = transposed(*api_->output(model_, int32_t(o)), outs[o], false);
    return outs;
}

int LoadedModel::batch() { return std::max(api_->batch(model_), 1); }

std::vector<std::string> LoadedModel::stage_names() {
    std::vector<std::string> names;
    for (int32_t i = 0; i < api_->num_stages(model_); i++) names.push_back(api_->stage_name(model_, i));
    return names;
}

std::vector<std::vector<double>> LoadedModel::stage_time_runs(const std::vector<float> &input, int warmup, int runs) {
    std::vector<std::vector<float>> outs;
    Call c = prepare(input, outs);
    for (int i = 0; i < warmup; i++) call(c);
    const size_t stages = size_t(api_->num_stages(model_));
    std::vector<std::vector<double>> ms(stages);
    std::vector<double> one(stages + 1);
    for (int r = 0; r < runs; r++) {
        std::fill(one.begin(), one.end(), 0.0);
        api_->profile(session_, one.data());  // from the next inference on: this one
        call(c);
        api_->profile(session_, nullptr);
        for (size_t s = 0; s < stages; s++) ms[s].push_back(one[s]);
    }
    return ms;
}

std::vector<double> LoadedModel::time_runs(const std::vector<float> &input, int warmup, int runs) {
    std::vector<std::vector<float>> outs;
    Call c = prepare(input, outs);
    for (int i = 0; i < warmup; i++) call(c);
    std::vector<double> ms;
    for (int i = 0; i < runs; i++) {
        const auto start = std::chrono::steady_clock::now();
        call(c);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return ms;
}

}  // namespace netc
