// Reading ONNX files with Debian's ONNX protobuf classes: the model, and tensors (initializers,
// Constant nodes, test data) as plain numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace netc {

onnx::ModelProto read_onnx_model(const std::string &path);
onnx::TensorProto read_onnx_tensor(const std::string &path);  // a serialized TensorProto (.pb test data)

// A tensor's values, whatever its integer or float type, as doubles (int64 shape constants
// are exact up to 2^53). `why_not` is set, and false returned, for types netc does not read
// (float16, strings, external data...).
struct ConstTensor {
    std::vector<int64_t> dims;
    std::vector<double> values;
    bool is_float = true;  // float/double, else an integer type
    int64_t elements() const;  // saturates at INT64_MAX instead of overflowing
};

// Constants past this many elements are refused before memory is reserved for them: 2^27
// (a GiB as netc holds them) is 60 times MobileNet's largest weight and far below what a
// hostile header could ask for.
constexpr int64_t kMaxConstantElements = int64_t(1) << 27;

// Why `dims` cannot be a constant's shape (a negative dimension, too many elements), or "".
std::string constant_dims_problem(const std::vector<int64_t> &dims);

bool read_tensor(const onnx::TensorProto &t, ConstTensor *out, std::string *why_not);

const char *onnx_type_name(int data_type);  // "FLOAT16", ...

}  // namespace netc
