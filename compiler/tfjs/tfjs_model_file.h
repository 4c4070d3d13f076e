// A TF.js model directory as the TF.js loaders read it: model.json (the topology and the
// weights manifest) and the binary shards the manifest names, beside it. The weights come out
// dequantized exactly as TF.js does it (uint8/uint16: q * scale + min in double, then float32;
// float16: to float32).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/graph.h"

namespace netc {

struct TfjsWeight {
    std::vector<int64_t> shape;
    std::vector<float> values;
};

struct TfjsModelFile {
    std::string path;               // model.json
    ModelFormat format = ModelFormat::TfjsLayers;  // or TfjsGraph
    nlohmann::json topology;        // modelTopology (for a layers model: the Keras model config)
    nlohmann::json signature;       // a graph model's inputs and outputs by name (userDefinedMetadata.signature or signature), or null
    std::map<std::string, TfjsWeight> weights;  // by manifest name
};

// Whether the JSON text is a TF.js model.json (it has modelTopology or weightsManifest) rather
// than a netc spec, whatever the file is called.
bool is_tfjs_model_json(const nlohmann::json &j);
// The same for a file (false if it cannot be read or is not JSON).
bool is_tfjs_model_file(const std::string &path);

// Reads model.json and its shards. Any problem (malformed JSON, a shard missing or of the
// wrong size, a weight past the shards, an unknown dtype or quantization) is a CompileError
// naming the file and the manifest entry.
TfjsModelFile read_tfjs_model(const std::string &path);

// The model's default name, a C identifier: model.json says none, its directory usually does.
std::string tfjs_default_name(const std::string &path);

// The two importers (import_tfjs_layers.cpp, import_tfjs_graph.cpp).
Graph import_tfjs_layers_model(const TfjsModelFile &file, const std::string &name);
Graph import_tfjs_graph_model(const TfjsModelFile &file, const std::string &name);

}  // namespace netc
