#include "analysis/sample_stats.h"

#include <algorithm>
#include <cmath>

namespace netc {

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double at = std::clamp(q, 0.0, 1.0) * double(v.size() - 1);
    const size_t lo = size_t(std::floor(at)), hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (at - double(lo));
}

double median_of(std::vector<double> v) { return quantile(std::move(v), 0.5); }

double iqr_of(const std::vector<double> &v) { return quantile(v, 0.75) - quantile(v, 0.25); }

}  // namespace netc
