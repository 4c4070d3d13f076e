// Nodes whose inputs are all constants are evaluated at import: the Shape → Gather →
// Unsqueeze → Concat → Reshape chains exporters emit for x.view(x.size(0), -1), weight
// reshapes, and Constant nodes. Only what such subgraphs use is implemented.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "onnx/importer.h"

namespace netc {

namespace {

Value constant_value(ConstTensor t) {
    Value v;
    v.kind = Value::Constant;
    v.shape = t.dims;
    v.constant = std::move(t);
    return v;
}

int64_t normalise_axis(Importer &im, int64_t axis, int64_t rank) {
    const int64_t given = axis;
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) im.unsupported("axis " + std::to_string(given) + " is out of range for rank " + std::to_string(rank));
    return axis;
}

// Strides of a row-major tensor.
std::vector<int64_t> strides_of(const std::vector<int64_t> &dims) {
    std::vector<int64_t> s(dims.size(), 1);
    for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
    return s;
}

// What import computes is shape arithmetic and the odd weight reshape: far below an
// initializer's bound (kMaxConstantElements, data a file holds). A constant computed past this
// (a 15 KB file's ConstantOfShape of 2^27 zeros, transposed: 3 GB and 14 s, found by fuzzing)
// is refused before its values are allocated. 2^22 still holds the largest weight of the
// bundled networks (Xception's 2048 x 2048 pointwise conv) should an exporter reshape one.
constexpr int64_t kMaxComputedElements = int64_t(1) << 22;
// And all of them together: 15 KB files whose ConstantOfShape made 5 M values that six more
// ops then copied took 6 s of CPU each under ASan (0.8 s in the release build, most of it
// page faults), found by fuzzing twice. Four times a MobileNetV2's weights still fit.
constexpr int64_t kMaxComputedTotal = int64_t(1) << 24;

// Refuses a computed constant past what netc computes at import, before it is allocated.
void check_dims(Importer &im, const std::vector<int64_t> &dims) {
    const std::string why = constant_dims_problem(dims);
    if (!why.empty()) im.unsupported("the result's " + why);
    int64_t n = 1;
    for (int64_t d : dims) n *= d;  // bounded by constant_dims_problem: no overflow
    if (n > kMaxComputedElements)
        im.unsupported("the result would hold " + std::to_string(n) + " values; netc computes constants of at most " +
                       std::to_string(kMaxComputedElements) + " at import");
    im.computed_values += n;
    if (im.computed_values > kMaxComputedTotal)
        im.unsupported("the constants computed at import would hold " + std::to_string(im.computed_values) +
                       " values in all; netc computes at most " + std::to_string(kMaxComputedTotal));
}

// An axis list (Squeeze, Unsqueeze) within 0..rank-1 once negative axes count from the end,
// each once.
std::vector<int64_t> normalise_axes(Importer &im, std::vector<int64_t> axes, int64_t rank) {
    for (int64_t &a : axes) a = normalise_axis(im, a, rank);
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) im.unsupported("an axis is given twice");
    return axes;
}

ConstTensor constant_node(Importer &im) {
    ConstTensor t;
    std::string why;
    if (const auto *a = im.attr("value")) {
        if (!read_tensor(a->t(), &t, &why)) im.unsupported(why);
    } else if (const auto *f = im.attr("value_float")) {
        t.values = {f->f()};
    } else if (const auto *i = im.attr("value_int")) {
        t.is_float = false;
        t.values = {double(i->i())};
    } else if (const auto *fs = im.attr("value_floats")) {
        t.dims = {fs->floats_size()};
        t.values.assign(fs->floats().begin(), fs->floats().end());
    } else if (const auto *is = im.attr("value_ints")) {
        t.is_float = false;
        t.dims = {is->ints_size()};
        for (int64_t v : is->ints()) t.values.push_back(double(v));
    } else {
        im.unsupported("a Constant of a kind netc does not read (sparse or string)");
    }
    return t;
}

// Numpy-style broadcasting of two constants.
ConstTensor binary(Importer &im, const ConstTensor &a, const ConstTensor &b, const std::function<double(double, double)> &f) {
    const size_t rank = std::max(a.dims.size(), b.dims.size());
    std::vector<int64_t> da(rank, 1), db(rank, 1), d(rank);
    std::copy(a.dims.begin(), a.dims.end(), da.begin() + long(rank - a.dims.size()));
    std::copy(b.dims.begin(), b.dims.end(), db.begin() + long(rank - b.dims.size()));
    for (size_t i = 0; i < rank; i++) {
        if (da[i] != db[i] && da[i] != 1 && db[i] != 1) im.unsupported("shapes that do not broadcast");
        d[i] = da[i] == 1 ? db[i] : da[i];  // 1 against 0 is 0, not max(0, 1)
    }
    check_dims(im, d);
    ConstTensor out;
    out.dims.assign(d.begin(), d.end());
    if (a.dims.empty() && b.dims.empty()) out.dims.clear();
    out.is_float = a.is_float || b.is_float;
    const auto sa = strides_of(da), sb = strides_of(db), so = strides_of(d);
    const int64_t n = std::accumulate(d.begin(), d.end(), int64_t(1), std::multiplies<int64_t>());
    for (int64_t i = 0; i < n; i++) {
        int64_t ia = 0, ib = 0;
        for (size_t k = 0; k < rank; k++) {
            const int64_t idx = (i / so[k]) % d[k];
            ia += (da[k] == 1 ? 0 : idx) * sa[k];
            ib += (db[k] == 1 ? 0 : idx) * sb[k];
        }
        out.values.push_back(f(a.values[size_t(ia)], b.values[size_t(ib)]));
    }
    return out;
}

ConstTensor gather(Importer &im, const ConstTensor &data, const ConstTensor &idx) {
    const int64_t rank = int64_t(data.dims.size());
    const int64_t axis = normalise_axis(im, im.attr_int("axis", 0), rank);
    const auto st = strides_of(data.dims);
    const int64_t outer = axis == 0 ? 1 : data.elements() / (st[size_t(axis - 1)]), inner = st[size_t(axis)];
    ConstTensor out;
    out.is_float = data.is_float;
    for (int64_t i = 0; i < axis; i++) out.dims.push_back(data.dims[size_t(i)]);
    out.dims.insert(out.dims.end(), idx.dims.begin(), idx.dims.end());
    for (int64_t i = axis + 1; i < rank; i++) out.dims.push_back(data.dims[size_t(i)]);
    check_dims(im, out.dims);
    for (int64_t o = 0; o < outer; o++)
        for (double jd : idx.values) {
            if (!(std::fabs(jd) < 9e18) || jd != std::trunc(jd)) im.unsupported("index " + std::to_string(jd) + " is not a whole number");
            int64_t j = int64_t(jd);
            if (j < 0) j += data.dims[size_t(axis)];
            if (j < 0 || j >= data.dims[size_t(axis)]) im.unsupported("index out of range");
            for (int64_t k = 0; k < inner; k++) out.values.push_back(data.values[size_t((o * data.dims[size_t(axis)] + j) * inner + k)]);
        }
    return out;
}

// 1-D or along axes with unit steps: what shape arithmetic needs.
// Slice with ONNX's rules: negative starts/ends count from the end, any non-zero step
// (exporters reverse a list with step -1 and an end of INT64_MIN).
ConstTensor slice(Importer &im) {
    const ConstTensor &data = im.constant(0);
    std::vector<int64_t> starts, ends, axes, steps;
    // Starts and ends may be INT64_MIN/MAX ("to the end"), past what constant_ints accepts:
    // any whole number, saturated at ±2^62, means the same after clamping to the axis.
    auto bounds = [&](int k) {
        std::vector<int64_t> v;
        for (double d : im.constant(k).values) {
            if (!(d == std::trunc(d))) im.unsupported("input '" + im.node->input(k) + "' holds " + std::to_string(d) + " where a whole number is needed");
            v.push_back(int64_t(std::clamp(d, -4611686018427387904.0, 4611686018427387904.0)));
        }
        return v;
    };
    if (im.opset < 10) {
        starts = im.attr_ints("starts", {}), ends = im.attr_ints("ends", {}), axes = im.attr_ints("axes", {});
    } else {
        starts = bounds(1), ends = bounds(2);
        if (im.has_input(3)) axes = im.constant_ints(3);
        if (im.has_input(4)) steps = im.constant_ints(4);
    }
    if (axes.empty()) axes.resize(starts.size()), std::iota(axes.begin(), axes.end(), 0);
    if (ends.size() != starts.size() || axes.size() != starts.size() || (!steps.empty() && steps.size() != starts.size()))
        im.unsupported("starts, ends, axes and steps differ in length");
    const int64_t rank = int64_t(data.dims.size());
    std::vector<int64_t> first(size_t(rank), 0), step(size_t(rank), 1), count(data.dims);
    for (size_t i = 0; i < axes.size(); i++) {
        const int64_t a = normalise_axis(im, axes[i], rank), n = data.dims[size_t(a)], s = steps.empty() ? 1 : steps[i];
        if (s == 0 || s < -(int64_t(1) << 40) || s > (int64_t(1) << 40)) im.unsupported("step " + std::to_string(s));
        if (n == 0) {  // nothing to take (and clamping to [0, n - 1] would have no range: found by fuzzing)
            count[size_t(a)] = 0;
            continue;
        }
        int64_t lo = starts[i] < 0 ? starts[i] + n : starts[i], hi = ends[i] < 0 ? ends[i] + n : ends[i];
        if (s > 0) lo = std::clamp<int64_t>(lo, 0, n), hi = std::clamp<int64_t>(hi, 0, n);
        else lo = std::clamp<int64_t>(lo, 0, n - 1), hi = std::clamp<int64_t>(hi, -1, n - 1);
        first[size_t(a)] = lo, step[size_t(a)] = s;
        count[size_t(a)] = s > 0 ? std::max<int64_t>(0, (hi - lo + s - 1) / s) : std::max<int64_t>(0, (lo - hi - s - 1) / -s);
    }
    ConstTensor out;
    out.is_float = data.is_float;
    out.dims = count;
    const auto st = strides_of(data.dims), so = strides_of(out.dims);
    for (int64_t i = 0; i < out.elements(); i++) {
        int64_t src = 0;
        for (int64_t a = 0; a < rank; a++) src += (first[size_t(a)] + (i / so[size_t(a)]) % out.dims[size_t(a)] * step[size_t(a)]) * st[size_t(a)];
        out.values.push_back(data.values[size_t(src)]);
    }
    return out;
}

ConstTensor transpose(Importer &im, const ConstTensor &x) {
    const size_t rank = x.dims.size();
    const std::vector<int64_t> perm = im.attr_permutation(rank);
    ConstTensor out;
    out.is_float = x.is_float;
    for (int64_t p : perm) out.dims.push_back(x.dims[size_t(p)]);
    check_dims(im, out.dims);
    out.values.reserve(size_t(x.elements()));
    // The output in order, its index an odometer over out.dims carrying the source offset
    // along: no division per value.
    const auto sx = strides_of(x.dims);
    std::vector<int64_t> at(rank, 0);
    int64_t src = 0;
    for (int64_t i = 0; i < x.elements(); i++) {
        out.values.push_back(x.values[size_t(src)]);
        for (size_t a = rank; a-- > 0;) {
            src += sx[size_t(perm[a])];
            if (++at[a] < out.dims[a]) break;
            src -= sx[size_t(perm[a])] * out.dims[a];
            at[a] = 0;
        }
    }
    return out;
}

ConstTensor with_dims(ConstTensor t, std::vector<int64_t> dims) {
    t.dims = std::move(dims);
    return t;
}

}  // namespace

const std::set<std::string> &constant_only_ops() {
    static const std::set<std::string> ops = {"Constant", "Gather", "Cast", "Slice", "Sub", "Div", "ConstantOfShape"};
    return ops;
}

bool fold_constant_op(Importer &im, const std::string &op) {
    auto c = [&](int k) -> const ConstTensor & { return im.constant(k); };
    ConstTensor out;
    if (op == "Constant") {
        out = constant_node(im);
    } else if (op == "Identity") {
        out = c(0);
    } else if (op == "Cast") {
        out = c(0);
        const int64_t to = im.attr_int("to", 1);
        out.is_float = to == onnx::TensorProto_DataType_FLOAT || to == onnx::TensorProto_DataType_DOUBLE;
        if (!out.is_float)
            for (double &v : out.values) v = std::trunc(v);
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
        const bool ints = !c(0).is_float && !c(1).is_float;
        out = binary(im, c(0), c(1), [&](double a, double b) {
            if (op == "Add") return a + b;
            if (op == "Sub") return a - b;
            if (op == "Mul") return a * b;
            return ints ? std::trunc(a / b) : a / b;  // integer Div truncates, as in C
        });
    } else if (op == "Gather") {
        out = gather(im, c(0), c(1));
    } else if (op == "Unsqueeze" || op == "Squeeze") {
        out = c(0);
        std::vector<int64_t> axes = im.opset >= 13 && im.has_input(1) ? im.constant_ints(1)
                                                                       : im.attr_ints("axes", {});
        std::vector<int64_t> dims = out.dims;
        if (op == "Unsqueeze") {
            for (int64_t a : normalise_axes(im, axes, int64_t(dims.size() + axes.size()))) dims.insert(dims.begin() + a, 1);
        } else if (axes.empty()) {
            dims.erase(std::remove(dims.begin(), dims.end(), 1), dims.end());
        } else {
            axes = normalise_axes(im, axes, int64_t(dims.size()));
            for (auto a = axes.rbegin(); a != axes.rend(); ++a) {
                if (dims[size_t(*a)] != 1) im.unsupported("axis " + std::to_string(*a) + " has " + std::to_string(dims[size_t(*a)]) + " elements, not 1");
                dims.erase(dims.begin() + *a);
            }
        }
        out = with_dims(out, dims);
    } else if (op == "Concat") {
        const int64_t rank = int64_t(c(0).dims.size());
        if (rank == 0) im.unsupported("Concat of scalars");
        const int64_t axis = normalise_axis(im, im.attr_int("axis", 0), rank);
        if (axis != 0) im.unsupported("constant Concat along an axis other than 0");
        out.is_float = c(0).is_float;
        out.dims = c(0).dims;
        out.dims[0] = 0;
        for (int k = 0; k < im.node->input_size(); k++) {
            if (c(k).dims.size() != size_t(rank) || !std::equal(c(k).dims.begin() + 1, c(k).dims.end(), c(0).dims.begin() + 1))
                im.unsupported("Concat of constants whose shapes differ past the first axis");
            out.dims[0] += c(k).dims[0];
            check_dims(im, out.dims);  // before the values: many inputs could add up past the bound
            out.values.insert(out.values.end(), c(k).values.begin(), c(k).values.end());
        }
    } else if (op == "Reshape") {
        out = with_dims(c(0), reshape_target(im, c(0).dims, c(1)));
    } else if (op == "Flatten") {
        const int64_t rank = int64_t(c(0).dims.size());
        int64_t axis = im.attr_int("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis > rank) im.unsupported("axis out of range");
        int64_t outer = 1;
        for (int64_t i = 0; i < axis; i++) outer *= c(0).dims[size_t(i)];
        out = with_dims(c(0), {outer, c(0).elements() / std::max<int64_t>(outer, 1)});
    } else if (op == "Transpose") {
        out = transpose(im, c(0));
    } else if (op == "Slice") {
        out = slice(im);
    } else if (op == "ConstantOfShape") {
        std::vector<int64_t> dims;
        for (double v : c(0).values) dims.push_back(std::isfinite(v) && std::fabs(v) < 9e18 ? int64_t(v) : -1);
        check_dims(im, dims);
        out.dims = dims;
        double fill = 0;
        if (const auto *a = im.attr("value")) {
            ConstTensor v;
            std::string why;
            if (!read_tensor(a->t(), &v, &why) || v.values.empty()) im.unsupported(why);
            fill = v.values[0];
            out.is_float = v.is_float;
        }
        out.values.assign(size_t(out.elements()), fill);
    } else {
        return false;
    }
    // Every constant holds as many values as its dims say (read_tensor checks the file's): the
    // ops above index by dims, so one that did not would read past its values.
    if (int64_t(out.values.size()) != out.elements())
        im.unsupported("internal: the result holds " + std::to_string(out.values.size()) + " values for " + std::to_string(out.elements()) +
                       " elements (please report the model)");
    im.set_output(0, constant_value(std::move(out)));
    return true;
}

}  // namespace netc
