// Errors are values with a location: the file, the layer and the field they concern.
// Every user-facing error of the compiler is a Diagnostic; `format` is the one place
// that turns it into text, so messages look the same whichever stage raised them.
#pragma once

#include <stdexcept>
#include <string>

namespace netc {

struct Diagnostic {
    std::string file;     // spec, weights or ONNX file; empty when not tied to a file
    std::string layer;    // layer (or tensor) name; empty when not tied to a layer
    std::string field;    // JSON path or field name, e.g. "layers[3].kernel"
    std::string message;  // what is wrong and, where we can tell, how to fix it
};

// "file: layer 'conv1': field 'kernel': message"
std::string format(const Diagnostic &d);

// Thrown to unwind to the command's top level, which prints `format(diag)` and exits 1.
// Nothing below the CLI catches it.
class CompileError : public std::runtime_error {
public:
    explicit CompileError(Diagnostic d) : std::runtime_error(format(d)), diag(std::move(d)) {}
    Diagnostic diag;
};

[[noreturn]] inline void fail(std::string file, std::string layer, std::string field, std::string message) {
    throw CompileError(Diagnostic{std::move(file), std::move(layer), std::move(field), std::move(message)});
}

}  // namespace netc
