#include "onnx/op_versions.h"

#include <map>

#include <onnx/defs/schema.h>

namespace netc {

namespace {

// The oldest definition (its since_version) whose semantics each translator implements;
// older ones differ in meaning, not just in spelling. Ops absent here are the same since 1
// (older definitions only add the inert `consumed_inputs` or `is_test`).
const std::map<std::string, int> &oldest_implemented() {
    static const std::map<std::string, int> v = {
        {"Add", 7}, {"Sub", 7}, {"Mul", 7}, {"Div", 7},  // before 7: `broadcast`/`axis` attributes, not numpy broadcasting
        {"Gemm", 7},                                       // before 7: `broadcast` attribute and a required C
        {"BatchNormalization", 7},                         // before 7: `spatial`/`is_test` change what is normalised
        {"Reshape", 5},                                    // before 5: the shape is an attribute
        {"Pad", 2},                                        // 1: `paddings`, another attribute layout
        {"Concat", 4},                                     // before 4: `axis` optional, defaulting to 1
        {"Cast", 6},                                       // before 6: `to` is a string
        {"Clip", 6},
        {"LeakyRelu", 6}, {"HardSigmoid", 6},              // 1: `consumed_inputs` (legacy)
        {"PRelu", 7},
        {"Upsample", 7},                                   // 1: `height_scale`/`width_scale` attributes                                      // before 7: `consumed_inputs`, no broadcasting rule
    };
    return v;
}

}  // namespace

int newest_known_opset() {
    const auto &ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto it = ranges.find("");
    return it == ranges.end() ? 0 : it->second.second;
}

std::string op_version_problem(const std::string &op, int opset) {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(op, opset, "");
    if (!schema) return "";
    const auto it = oldest_implemented().find(op);
    if (it == oldest_implemented().end() || schema->since_version() >= it->second) return "";
    return "at opset " + std::to_string(opset) + " this is " + op + "-" + std::to_string(schema->since_version()) +
           ", whose meaning differs from the " + op + "-" + std::to_string(it->second) +
           " and later that netc implements; re-export the model at opset 11 or newer";
}

}  // namespace netc
