#include "exec/postprocess_detections.h"

#include <algorithm>

#include "spec/diagnostic.h"

namespace netc {

std::vector<netc_detection> postprocess_detections(const netc_detection_config &c, const std::vector<float> &boxes,
                                                   const std::vector<float> &scores, const std::string &what) {
    const int64_t n = netc_detect_num_priors(&c);
    const int64_t scratch_bytes = n > 0 ? netc_detect_scratch_bytes(&c, n) : -1;
    if (scratch_bytes < 0 || int64_t(boxes.size()) != n * 4 || int64_t(scores.size()) != n * c.num_classes)
        fail(what, "", "detection", "the detection parameters do not fit the outputs");
    std::vector<float> priors(size_t(n) * 4);
    netc_detect_make_priors(&c, priors.data(), n);
    std::vector<double> scratch(size_t(scratch_bytes) / sizeof(double) + 2);  // double: 8-byte aligned
    std::vector<netc_detection> out(size_t(std::min<int64_t>(c.max_detections, n * c.num_classes)));
    const int32_t k = netc_detect_postprocess(&c, priors.data(), n, boxes.data(), scores.data(), scratch.data(), out.data(),
                                              int32_t(out.size()));
    if (k < 0) fail(what, "", "detection", "the runtime rejected the detection parameters");
    out.resize(size_t(k));
    return out;
}

}  // namespace netc
