// Which versions of each ONNX operator the importer implements. A model's opset picks, for
// every op, the newest definition at or below it (ONNX's versioning rule); an op whose
// definition at the model's opset is older than what netc translates (Add's `broadcast`
// attribute, Reshape's shape attribute, Cast's string `to`) is refused, not guessed.
#pragma once

#include <string>

namespace netc {

// The newest ai.onnx opset the ONNX library netc is built with defines (17 for Debian's 1.12).
int newest_known_opset();

// Why `op` at `opset` is not what netc implements, or "" when it is (or when the op is
// unknown altogether, which the importer reports on its own).
std::string op_version_problem(const std::string &op, int opset);

}  // namespace netc
