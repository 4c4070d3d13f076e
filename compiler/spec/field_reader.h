// Reading one JSON object of the spec: typed getters that report every error at its place
// (file, layer, JSON path), and the "did you mean" suggestion for unknown names.
#pragma once

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spec/diagnostic.h"

namespace netc {

using json = nlohmann::json;

// " (did you mean 'stride'?)" when a known name is close to the unknown one, else "".
std::string suggestion(const std::string &unknown, const std::vector<std::string> &known);
std::string type_name(const json &v);  // "an integer", "a string", ...

// Reads the fields of one JSON object, reporting each error at its place.
class FieldReader {
public:
    FieldReader(const json &obj, std::string file, std::string layer, std::string path)
        : obj_(obj), file_(std::move(file)), layer_(std::move(layer)), path_(std::move(path)) {}

    [[noreturn]] void error(const std::string &field, const std::string &msg) const {
        fail(file_, layer_, field.empty() ? path_ : path_.empty() ? field : path_ + "." + field, msg);
    }
    bool has(const std::string &f) const { return obj_.contains(f); }
    const json &at(const std::string &f) const { return obj_.at(f); }
    // A reader of the object at field `f` (which must exist), its errors located under it.
    FieldReader child(const std::string &f) const { return FieldReader(obj_.at(f), file_, layer_, path_.empty() ? f : path_ + "." + f); }

    const json &require(const std::string &f) const {
        if (!obj_.contains(f)) error(f, "missing required field");
        return obj_.at(f);
    }

    int positive_int(const std::string &f, int dflt, bool required = false) const {
        if (!obj_.contains(f)) {
            if (required) error(f, "missing required field");
            return dflt;
        }
        return positive_int_value(obj_.at(f), f);
    }

    int positive_int_value(const json &v, const std::string &f) const {
        if (!v.is_number_integer()) error(f, "expected a positive integer, got " + type_name(v));
        long long x = v.get<long long>();
        if (x < 1 || x > (1 << 24)) error(f, "expected a positive integer, got " + std::to_string(x));
        return int(x);
    }

    // An int, or a pair [h, w].
    void pair(const std::string &f, int *h, int *w, int dflt, bool required = false) const {
        if (!obj_.contains(f)) {
            if (required) error(f, "missing required field");
            *h = *w = dflt;
            return;
        }
        const json &v = obj_.at(f);
        if (v.is_array()) {
            if (v.size() != 2) error(f, "expected an integer or [height, width], got an array of " + std::to_string(v.size()));
            *h = positive_int_value(v[0], f + "[0]");
            *w = positive_int_value(v[1], f + "[1]");
        } else if (v.is_number_integer()) {
            *h = *w = positive_int_value(v, f);
        } else {
            error(f, "expected an integer or [height, width], got " + type_name(v));
        }
    }

    bool boolean(const std::string &f, bool dflt) const {
        if (!obj_.contains(f)) return dflt;
        if (!obj_.at(f).is_boolean()) error(f, "expected true or false, got " + type_name(obj_.at(f)));
        return obj_.at(f).get<bool>();
    }

    float positive_number(const std::string &f, float dflt) const {
        if (!obj_.contains(f)) return dflt;
        const json &v = obj_.at(f);
        if (!v.is_number() || v.get<double>() <= 0) error(f, "expected a positive number, got " + v.dump());
        return v.get<float>();
    }

    float number(const std::string &f, float dflt) const {
        if (!obj_.contains(f)) return dflt;
        const json &v = obj_.at(f);
        if (!v.is_number()) error(f, "expected a number, got " + type_name(v));
        return v.get<float>();
    }

    // An array of positive numbers (size `n`, or any non-empty size when n is 0).
    std::vector<float> positive_numbers(const std::string &f, size_t n, std::vector<float> dflt) const {
        if (!obj_.contains(f)) return dflt;
        const json &v = obj_.at(f);
        if (!v.is_array() || v.empty() || (n && v.size() != n))
            error(f, "expected an array of " + (n ? std::to_string(n) + " " : std::string()) + "positive numbers, got " + v.dump());
        std::vector<float> out;
        for (size_t i = 0; i < v.size(); i++) {
            if (!v[i].is_number() || v[i].get<double>() <= 0)
                error(f + "[" + std::to_string(i) + "]", "expected a positive number, got " + v[i].dump());
            out.push_back(v[i].get<float>());
        }
        return out;
    }

    std::string string(const std::string &f, const std::string &dflt, bool required = false) const {
        if (!obj_.contains(f)) {
            if (required) error(f, "missing required field");
            return dflt;
        }
        if (!obj_.at(f).is_string()) error(f, "expected a string, got " + type_name(obj_.at(f)));
        return obj_.at(f).get<std::string>();
    }

    void reject_unknown(const std::set<std::string> &allowed) const {
        for (auto it = obj_.begin(); it != obj_.end(); ++it) {
            if (!allowed.count(it.key())) {
                std::vector<std::string> known(allowed.begin(), allowed.end());
                error(it.key(), "unknown field" + suggestion(it.key(), known));
            }
        }
    }

    // A per-channel value (a mean, a scale) for `channels` channels: one number for all, or an
    // array of one or `channels` finite numbers; `dflt` for each if the field is absent.
    std::vector<float> per_channel(const std::string &f, int channels, float dflt) const {
        if (!obj_.contains(f)) return std::vector<float>(size_t(channels), dflt);
        return per_channel_values(f, obj_.at(f), channels);
    }
    // The same for a value that is not the field itself (what a named normalisation stands for).
    std::vector<float> per_channel_values(const std::string &f, const json &v, int channels) const {
        std::vector<float> out;
        if (v.is_number()) out.push_back(v.get<float>());
        else if (v.is_array())
            for (const json &x : v) {
                if (!x.is_number()) error(f, "expected numbers, got " + v.dump());
                out.push_back(x.get<float>());
            }
        if (out.size() != 1 && out.size() != size_t(channels))
            error(f, "expected a number or an array of " + std::to_string(channels) + " numbers (one per channel), got " + v.dump());
        for (float x : out)
            if (!std::isfinite(x)) error(f, "expected finite numbers, got " + v.dump());
        out.resize(size_t(channels), out[0]);
        return out;
    }

private:
    const json &obj_;
    std::string file_, layer_, path_;
};

}  // namespace netc
