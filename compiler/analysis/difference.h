// How far one output is from another: the measure every comparison in netc reports
// (netc check, netc bench, the model tests).
#pragma once

#include <vector>

namespace netc {

struct Difference {
    double max_abs = 0;   // max |got - want|; infinite if `got` has a NaN or infinity, or the sizes differ
    double relative = 0;  // max_abs / max |want|
};

Difference difference(const std::vector<float> &got, const std::vector<float> &want);

}  // namespace netc
