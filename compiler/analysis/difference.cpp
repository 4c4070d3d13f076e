#include "analysis/difference.h"

#include <algorithm>
#include <cmath>

namespace netc {

Difference difference(const std::vector<float> &got, const std::vector<float> &want) {
    Difference d;
    double max_ref = 0;
    if (got.size() != want.size()) d.max_abs = INFINITY;
    for (size_t i = 0; i < want.size() && i < got.size(); i++) {
        d.max_abs = std::max(d.max_abs, std::fabs(double(got[i]) - double(want[i])));
        if (!std::isfinite(got[i])) d.max_abs = INFINITY;
        max_ref = std::max(max_ref, std::fabs(double(want[i])));
    }
    d.relative = d.max_abs / std::max(max_ref, 1e-30);
    return d;
}

}  // namespace netc
