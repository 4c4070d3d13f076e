// A file's whole contents, the one way netc reads the files it parses (specs, weights, ONNX,
// inputs, schedules) and the ones its tools leave behind.
#pragma once

#include <optional>
#include <string>

namespace netc {

// The bytes of `path`; a CompileError "cannot open the <what>" (just "cannot open" when `what`
// is empty) naming the file when it cannot be read.
std::string read_file(const std::string &path, const std::string &what);

// The bytes of `path`, or nothing when it cannot be read (a file that may not exist yet).
std::optional<std::string> try_read_file(const std::string &path);

}  // namespace netc
