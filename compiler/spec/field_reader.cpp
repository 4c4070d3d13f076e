#include "spec/field_reader.h"

#include <algorithm>

namespace netc {

namespace {

size_t edit_distance(const std::string &a, const std::string &b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) prev[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); j++)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string suggestion(const std::string &unknown, const std::vector<std::string> &known) {
    std::string best;
    size_t best_d = 3;
    for (const auto &k : known) {
        size_t d = edit_distance(unknown, k);
        if (d < best_d) best_d = d, best = k;
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string type_name(const json &v) {
    if (v.is_number_integer()) return "an integer";
    if (v.is_number()) return "a number";
    return std::string("a ") + v.type_name();
}

}  // namespace netc
