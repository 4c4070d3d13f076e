#include "spec/diagnostic.h"

namespace netc {

std::string format(const Diagnostic &d) {
    std::string out;
    if (!d.file.empty()) out += d.file + ": ";
    if (!d.layer.empty()) out += "layer '" + d.layer + "': ";
    if (!d.field.empty()) out += "field '" + d.field + "': ";
    out += d.message;
    return out;
}

}  // namespace netc
