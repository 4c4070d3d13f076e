#include "onnx/onnx_file.h"

#include <cstdint>
#include <cstring>

#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

template <typename T>
void append_raw(const std::string &raw, std::vector<double> &out) {
    const size_t n = raw.size() / sizeof(T);
    for (size_t i = 0; i < n; i++) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));  // little-endian, as ONNX stores it
        out.push_back(double(v));
    }
}

}  // namespace

int64_t ConstTensor::elements() const {
    int64_t n = 1;
    for (int64_t d : dims)
        if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;
    return n;
}

std::string constant_dims_problem(const std::vector<int64_t> &dims) {
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0) return "negative dimension " + std::to_string(d);
        if (__builtin_mul_overflow(n, d, &n) || n > kMaxConstantElements) {
            std::string shown;
            for (int64_t e : dims) shown += (shown.empty() ? "" : ", ") + std::to_string(e);
            return "dimensions [" + shown + "] hold more than the " + std::to_string(kMaxConstantElements) + " elements netc takes in a constant";
        }
    }
    return "";
}

onnx::ModelProto read_onnx_model(const std::string &path) {
    const std::string bytes = read_file(path, "ONNX model");
    onnx::ModelProto m;
    if (!m.ParseFromString(bytes)) fail(path, "", "", "not an ONNX model (the protobuf does not parse)");
    if (!m.has_graph()) fail(path, "", "graph", "the ONNX model has no graph");
    return m;
}

onnx::TensorProto read_onnx_tensor(const std::string &path) {
    const std::string bytes = read_file(path, "ONNX tensor");
    onnx::TensorProto t;
    if (!t.ParseFromString(bytes)) fail(path, "", "", "not a serialized ONNX TensorProto");
    return t;
}

const char *onnx_type_name(int data_type) {
    return onnx::TensorProto_DataType_IsValid(data_type)
               ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(data_type)).c_str()
               : "UNKNOWN";
}

bool read_tensor(const onnx::TensorProto &t, ConstTensor *out, std::string *why_not) {
    out->dims.assign(t.dims().begin(), t.dims().end());
    out->values.clear();
    *why_not = constant_dims_problem(out->dims);
    if (!why_not->empty()) return false;
    if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
        *why_not = "external data (save the model with its weights inside)";
        return false;
    }
    const std::string &raw = t.raw_data();
    switch (t.data_type()) {
    case onnx::TensorProto_DataType_FLOAT:
        out->is_float = true;
        if (!raw.empty()) append_raw<float>(raw, out->values);
        else out->values.assign(t.float_data().begin(), t.float_data().end());
        break;
    case onnx::TensorProto_DataType_DOUBLE:
        out->is_float = true;
        if (!raw.empty()) append_raw<double>(raw, out->values);
        else out->values.assign(t.double_data().begin(), t.double_data().end());
        break;
    case onnx::TensorProto_DataType_INT64:
        out->is_float = false;
        if (!raw.empty()) append_raw<int64_t>(raw, out->values);
        else for (int64_t v : t.int64_data()) out->values.push_back(double(v));
        break;
    case onnx::TensorProto_DataType_INT32:
        out->is_float = false;
        if (!raw.empty()) append_raw<int32_t>(raw, out->values);
        else for (int32_t v : t.int32_data()) out->values.push_back(double(v));
        break;
    default:
        *why_not = std::string("tensor type ") + onnx_type_name(t.data_type()) + " (netc reads FLOAT, DOUBLE, INT64, INT32)";
        return false;
    }
    if (int64_t(out->values.size()) != out->elements()) {
        *why_not = "holds " + std::to_string(out->values.size()) + " values for its " + std::to_string(out->elements()) + " elements";
        return false;
    }
    return true;
}

}  // namespace netc
