// Summaries of timing samples, one definition for every command that times something
// (netc bench, netc tune): quantiles by linear interpolation between order statistics.
#pragma once

#include <vector>

namespace netc {

// The q-quantile (0 <= q <= 1) of `v`; 0 for an empty sample.
double quantile(std::vector<double> v, double q);
double median_of(std::vector<double> v);
// Interquartile range: the spread the tuner logs beside a median.
double iqr_of(const std::vector<double> &v);

}  // namespace netc
