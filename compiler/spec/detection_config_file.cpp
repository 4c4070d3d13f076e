#include "spec/detection_config_file.h"

#include <filesystem>

#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "spec/parse_detection.h"
#include "spec/parse_json.h"

namespace netc {

std::string detection_config_path(const std::string &onnx_path) {
    std::filesystem::path p(onnx_path);
    return (p.parent_path() / (p.stem().string() + ".detection.json")).string();
}

Graph attach_detection_config(const Graph &g) {
    const std::string path = detection_config_path(g.spec_file);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return g;
    // parse_detection names g.spec_file in its errors and resolves an anchor file against
    // its folder: here that is the config file's.
    Graph named = g;
    named.spec_file = path;
    Graph out = g;
    out.detection = parse_detection(parse_json(read_file(path, "detection config"), path), named);
    out.detection.config_file = path;
    return out;
}

}  // namespace netc
