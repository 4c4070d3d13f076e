#include "tfjs/tfjs_model_file.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "spec/parse_json.h"

namespace netc {

using json = nlohmann::json;

bool is_tfjs_model_json(const json &j) { return j.is_object() && (j.contains("modelTopology") || j.contains("weightsManifest")); }

bool is_tfjs_model_file(const std::string &path) {
    // JSON starts with '{' (after blanks); an ONNX file, a protobuf, never does.
    const auto text = try_read_file(path);
    if (!text) return false;
    const size_t first = text->find_first_not_of(" \t\r\n");
    if (first == std::string::npos || (*text)[first] != '{') return false;
    const json j = json::parse(*text, nullptr, false);
    return !j.is_discarded() && is_tfjs_model_json(j);
}

namespace {

// No weight holds more values than this (a MobileNet's largest holds 1.3 M; 2^28 is 1 GiB).
constexpr int64_t kMaxWeightElements = int64_t(1) << 28;
// Nor a group's shards more bytes than this (a manifest may name one shard many times).
constexpr size_t kMaxShardBytes = size_t(1) << 31;

float half_to_float(uint16_t h) {
    const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    double v;
    if (exponent == 0) v = std::ldexp(double(mantissa), -24);                     // subnormal
    else if (exponent == 31) v = mantissa ? NAN : INFINITY;
    else v = std::ldexp(double(mantissa | 0x400), exponent - 25);
    return float(sign ? -v : v);
}

size_t bytes_per(const std::string &dtype) {
    if (dtype == "float32" || dtype == "int32") return 4;
    if (dtype == "uint16" || dtype == "float16") return 2;
    if (dtype == "uint8" || dtype == "bool") return 1;
    return 0;
}

}  // namespace

std::string tfjs_default_name(const std::string &path) {
    std::filesystem::path p(path);
    std::string stem = p.stem().string() == "model" && p.has_parent_path() ? p.parent_path().filename().string() : p.stem().string();
    std::string id = identifier_safe(stem);
    if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "m_" + id;
    return id;
}

TfjsModelFile read_tfjs_model(const std::string &path) {
    TfjsModelFile m;
    m.path = path;
    const json j = parse_json(read_file(path, "TF.js model.json"), path);
    if (!is_tfjs_model_json(j)) fail(path, "", "", "not a TF.js model.json (no modelTopology or weightsManifest)");
    if (!j.contains("modelTopology") || !j["modelTopology"].is_object()) fail(path, "", "modelTopology", "missing: netc needs the model's topology");
    m.topology = j["modelTopology"];
    // Older converters wrap the Keras config in model_config; graph models have a node list.
    if (m.topology.contains("model_config") && m.topology["model_config"].is_object()) m.topology = m.topology["model_config"];
    const bool graph = (j.contains("format") && j["format"] == "graph-model") || m.topology.contains("node");
    m.format = graph ? ModelFormat::TfjsGraph : ModelFormat::TfjsLayers;
    if (j.contains("userDefinedMetadata") && j["userDefinedMetadata"].is_object() && j["userDefinedMetadata"].contains("signature"))
        m.signature = j["userDefinedMetadata"]["signature"];
    else if (j.contains("signature"))
        m.signature = j["signature"];
    if (!j.contains("weightsManifest") || !j["weightsManifest"].is_array()) fail(path, "", "weightsManifest", "missing or not a list");

    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    const json &manifest = j["weightsManifest"];
    for (size_t g = 0; g < manifest.size(); g++) {
        const std::string where = "weightsManifest[" + std::to_string(g) + "]";
        const json &group = manifest[g];
        if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() || !group.contains("weights") || !group["weights"].is_array())
            fail(path, "", where, "expected {\"paths\": [...], \"weights\": [...]}");
        // A group's weights are its shards concatenated, in order.
        std::string bytes;
        for (size_t p = 0; p < group["paths"].size(); p++) {
            const json &shard = group["paths"][p];
            if (!shard.is_string() || shard.get<std::string>().empty() || shard.get<std::string>().find("..") != std::string::npos ||
                shard.get<std::string>()[0] == '/')
                fail(path, "", where + ".paths[" + std::to_string(p) + "]", "expected a file name beside model.json, got " + shard.dump());
            bytes += read_file((dir / shard.get<std::string>()).string(), "TF.js weight shard");
            if (bytes.size() > kMaxShardBytes)
                fail(path, "", where + ".paths", "the shards hold more than " + std::to_string(kMaxShardBytes >> 20) + " MiB (netc's bound on a model's weights)");
        }
        size_t offset = 0;
        for (size_t w = 0; w < group["weights"].size(); w++) {
            const json &e = group["weights"][w];
            const std::string field = where + ".weights[" + std::to_string(w) + "]";
            if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("shape") || !e["shape"].is_array())
                fail(path, "", field, "expected {\"name\", \"shape\", \"dtype\"}");
            const std::string name = e["name"].get<std::string>();
            TfjsWeight t;
            int64_t n = 1;
            for (const json &d : e["shape"]) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > kMaxWeightElements)
                    fail(path, name, field + ".shape", "expected non-negative dimensions, got " + e["shape"].dump());
                t.shape.push_back(d.get<int64_t>());
                n *= t.shape.back();
                if (n > kMaxWeightElements) fail(path, name, field + ".shape", "holds more than " + std::to_string(kMaxWeightElements) + " values");
            }
            if (e.contains("dtype") && !e["dtype"].is_string()) fail(path, name, field + ".dtype", "expected a string, got " + e["dtype"].dump());
            const std::string dtype = e.value("dtype", std::string("float32"));
            if (dtype != "float32" && dtype != "int32")
                fail(path, name, field + ".dtype", "\"" + dtype + "\" (netc reads float32 and int32 weights, either possibly quantized)");
            std::string stored = dtype;
            double scale = 1, min = 0;
            const bool quantized = e.contains("quantization");
            if (quantized) {
                const json &q = e["quantization"];
                if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string()) fail(path, name, field + ".quantization", "expected {\"dtype\", ...}");
                stored = q["dtype"].get<std::string>();
                if (stored == "uint8" || stored == "uint16") {
                    if (!q.contains("scale") || !q["scale"].is_number() || !q.contains("min") || !q["min"].is_number())
                        fail(path, name, field + ".quantization", "uint8/uint16 quantization needs numbers \"scale\" and \"min\"");
                    scale = q["scale"].get<double>(), min = q["min"].get<double>();
                } else if (stored != "float16") {
                    fail(path, name, field + ".quantization.dtype", "\"" + stored + "\" (netc reads uint8, uint16 and float16 quantization)");
                }
            }
            const size_t size = bytes_per(stored) * size_t(n);
            if (offset + size > bytes.size())
                fail(path, name, field, "needs " + std::to_string(size) + " bytes at offset " + std::to_string(offset) + ", but the shards hold " +
                                            std::to_string(bytes.size()));
            const unsigned char *b = reinterpret_cast<const unsigned char *>(bytes.data()) + offset;
            t.values.resize(size_t(n));
            for (int64_t i = 0; i < n; i++) {
                double v = 0;
                if (stored == "uint8") v = double(b[i]) * scale + min;
                else if (stored == "uint16") v = double(uint16_t(b[2 * i] | (b[2 * i + 1] << 8))) * scale + min;
                else if (stored == "float16") v = half_to_float(uint16_t(b[2 * i] | (b[2 * i + 1] << 8)));
                else if (stored == "float32") { float f; std::memcpy(&f, b + 4 * i, 4); v = f; }
                else { int32_t k; std::memcpy(&k, b + 4 * i, 4); v = k; }
                // TF.js rounds a dequantized int32 weight to a whole number.
                t.values[size_t(i)] = float(dtype == "int32" && quantized ? std::round(v) : v);
            }
            offset += size;
            if (!m.weights.emplace(name, std::move(t)).second) fail(path, name, field + ".name", "two weights have this name");
        }
        if (offset != bytes.size())
            fail(path, "", where, "the shards hold " + std::to_string(bytes.size()) + " bytes, the weights " + std::to_string(offset));
    }
    return m;
}

}  // namespace netc
