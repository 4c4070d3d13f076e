#include "spec/diagnostic.h"

#include <cstdio>

namespace netc {

namespace {

// Names and values in a message come from the user's files: a NUL in an ONNX op type cut the
// printed message short there (found by fuzzing), and other control bytes would reach the
// terminal. Lines and tabs stay; every other control byte is written as \xNN.
std::string printable(const std::string &text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += ch;
        }
    }
    return out;
}

}  // namespace

std::string format(const Diagnostic &d) {
    std::string out;
    if (!d.file.empty()) out += d.file + ": ";
    if (!d.layer.empty()) out += "layer '" + d.layer + "': ";
    if (!d.field.empty()) out += "field '" + d.field + "': ";
    out += d.message;
    return printable(out);
}

}  // namespace netc
