#include "cli/compare_with_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "analysis/difference.h"
#include "exec/postprocess_detections.h"
#include "reference/reference.h"

namespace netc {

namespace {

std::string detection_text(const netc_detection &d) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "class %d prior %d score %.6f (%.4f, %.4f, %.4f, %.4f)", d.class_id, d.prior, double(d.score), double(d.ymin),
                  double(d.xmin), double(d.ymax), double(d.xmax));
    return buf;
}

bool same_detection(const netc_detection &a, const netc_detection &b, double tolerance) {
    bool same = a.class_id == b.class_id && a.prior == b.prior;
    for (float d : {a.score - b.score, a.ymin - b.ymin, a.xmin - b.xmin, a.ymax - b.ymax, a.xmax - b.xmax}) same &= std::fabs(d) <= tolerance;
    return same;
}

// The same detections: the same number, scores rank by rank within `tolerance`, and each one
// the same class from the same prior with the same box (within `tolerance`) as one of the
// reference's. Detections whose scores differ by less than the tolerance may come in either
// order: under ARMv7's separately rounded multiply-adds two scores 2e-6 apart swapped places
// (MobileNet-SSD's 94th and 95th). Returns "" or the first difference.
std::string detections_difference(const std::vector<netc_detection> &got, const std::vector<netc_detection> &want, double tolerance) {
    if (got.size() != want.size()) return "the counts differ";
    std::vector<bool> used(want.size(), false);
    for (size_t i = 0; i < got.size(); i++) {
        if (!(std::fabs(got[i].score - want[i].score) <= tolerance))
            return "detection " + std::to_string(i) + ": compiled " + detection_text(got[i]) + ", reference " + detection_text(want[i]);
        size_t j = 0;
        while (j < want.size() && (used[j] || !same_detection(got[i], want[j], tolerance))) j++;
        if (j == want.size()) return "detection " + std::to_string(i) + ", compiled " + detection_text(got[i]) + ", is not among the reference's";
        used[j] = true;
    }
    return "";
}

}  // namespace

bool compare_with_reference(const Graph &g, CompiledModel &m, const std::vector<float> &input, double tolerance) {
    // A batch gets items that differ (the input rotated by b·997 values for item b), each
    // compared with the reference on that item: an item computed from another's data fails.
    const int batch = m.batch();
    std::vector<float> items;
    for (int b = 0; b < batch; b++) {
        const size_t shift = (size_t(b) * 997) % std::max<size_t>(input.size(), 1);
        items.insert(items.end(), input.begin() + ptrdiff_t(shift), input.end());
        items.insert(items.end(), input.begin(), input.begin() + ptrdiff_t(shift));
    }
    const auto got_all = m.run(items);
    std::vector<std::vector<float>> want, got(got_all.size());
    for (int b = 0; b < batch; b++) {
        const auto w = run_reference(g, std::vector<float>(items.begin() + ptrdiff_t(size_t(b) * input.size()),
                                                           items.begin() + ptrdiff_t(size_t(b + 1) * input.size())));
        if (want.empty()) want.resize(w.size());
        for (size_t o = 0; o < w.size(); o++) want[o].insert(want[o].end(), w[o].begin(), w[o].end());
    }
    for (size_t o = 0; o < got_all.size(); o++) got[o] = got_all[o];
    if (batch > 1) std::printf("a batch of %d different items, each against the reference:\n", batch);
    bool ok = true;
    for (size_t o = 0; o < want.size(); o++) {
        const Difference d = difference(got[o], want[o]);
        const bool pass = d.relative <= tolerance;
        ok &= pass;
        std::printf("%-20s max abs diff %.3g, relative %.3g (tolerance %.1g): %s\n", g.layers[size_t(g.outputs[o])].name.c_str(), d.max_abs,
                    d.relative, tolerance, pass ? "ok" : "FAIL");
    }
    if (g.detection.present) {
        const DetectionSpec &d = g.detection;
        const netc_detection_config c = d.runtime_config();
        const auto a = postprocess_detections(c, got[size_t(d.boxes_output)], got[size_t(d.scores_output)], g.spec_file);
        const auto b = postprocess_detections(c, want[size_t(d.boxes_output)], want[size_t(d.scores_output)], g.spec_file);
        const std::string diff = detections_difference(a, b, tolerance * 10);
        ok &= diff.empty();
        std::printf("%-20s %zu compiled, %zu reference: %s\n", "detections", a.size(), b.size(),
                    diff.empty() ? "the same" : ("FAIL (" + diff + ")").c_str());
    }
    return ok;
}

}  // namespace netc
