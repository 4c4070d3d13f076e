#include "cli/args.h"

#include <cstdio>
#include <cstdlib>

#include "spec/load_model.h"

namespace netc {

Args::Args(int argc, char **argv, int first, const std::set<std::string> &with_value, const std::set<std::string> &switches) {
    for (int i = first; i < argc; i++) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            help_ = true;
        } else if (a.rfind("--", 0) == 0 || (a.size() == 2 && a[0] == '-' && a != "-")) {
            std::string value;
            size_t eq = a.find('=');
            bool inline_value = eq != std::string::npos;
            if (inline_value) value = a.substr(eq + 1), a = a.substr(0, eq);
            if (with_value.count(a)) {
                if (!inline_value) {
                    if (i + 1 >= argc) throw UsageError(a + " needs a value");
                    value = argv[++i];
                }
                values_[a] = value;
            } else if (switches.count(a) && !inline_value) {
                switches_.insert(a);
            } else {
                throw UsageError("unknown option " + a);
            }
        } else {
            positional_.push_back(a);
        }
    }
}

std::string Args::get(const std::string &flag, const std::string &dflt) const {
    auto it = values_.find(flag);
    return it == values_.end() ? dflt : it->second;
}

int Args::get_int(const std::string &flag, int dflt, int min, int max) const {
    auto it = values_.find(flag);
    if (it == values_.end()) return dflt;
    try {
        size_t used;
        long v = std::stol(it->second, &used);
        if (used == it->second.size() && v >= min && v <= max) return int(v);
    } catch (const std::exception &) {
    }
    throw UsageError(flag + " expects an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got '" + it->second + "'");
}

double Args::get_double(const std::string &flag, double dflt) const {
    auto it = values_.find(flag);
    if (it == values_.end()) return dflt;
    try {
        size_t used;
        double v = std::stod(it->second, &used);
        if (used == it->second.size() && v > 0) return v;
    } catch (const std::exception &) {
    }
    throw UsageError(flag + " expects a positive number, got '" + it->second + "'");
}

const char *const kModelOptionsHelp =
    "\nSPEC may also be an ONNX file (model.onnx): it is imported first (see netc import).\n"
    "  --alpha A           width multiplier: scales conv channels (default 1; specs only)\n"
    "  --input-size N      resolution: the input's height and width (default: the spec's; specs only)\n"
    "  --input-shape N,C,H,W  ONNX only: fixes the input's dynamic dimensions\n";

ModelOptions model_options(const Args &a) {
    ModelOptions o;
    o.alpha = a.get_double("--alpha", 1.0);
    o.input_size = a.get_int("--input-size", 0, 1, 8192);
    o.notice = [](const std::string &s) { std::fprintf(stderr, "notice: %s\n", s.c_str()); };
    if (a.has("--input-shape")) {
        for (const std::string &part : a.get_list("--input-shape")) {
            char *end = nullptr;
            const long long v = std::strtoll(part.c_str(), &end, 10);
            if (part.empty() || *end != '\0' || v < 1 || v > (1 << 24))
                throw UsageError("--input-shape expects positive integers separated by commas (N,C,H,W), got '" + a.get("--input-shape", "") + "'");
            o.input_shape.push_back(v);
        }
    }
    return o;
}

std::vector<std::string> Args::get_list(const std::string &flag) const {
    const std::string text = get(flag, "");
    std::vector<std::string> parts;
    for (size_t pos = 0; pos <= text.size();) {
        const size_t comma = std::min(text.find(',', pos), text.size());
        parts.push_back(text.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return parts;
}

const std::string &Args::one_positional(const std::string &what) const {
    if (positional_.size() != 1)
        throw UsageError("expected one " + what + ", got " + std::to_string(positional_.size()) + " arguments");
    return positional_[0];
}

}  // namespace netc
