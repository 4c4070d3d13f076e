#include "io/read_file.h"

#include <fstream>
#include <sstream>

#include "spec/diagnostic.h"

namespace netc {

std::optional<std::string> try_read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string read_file(const std::string &path, const std::string &what) {
    std::optional<std::string> bytes = try_read_file(path);
    if (!bytes) fail(path, "", "", what.empty() ? "cannot open" : "cannot open the " + what);
    return std::move(*bytes);
}

}  // namespace netc
