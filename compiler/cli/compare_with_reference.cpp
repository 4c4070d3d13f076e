#include "cli/compare_with_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/difference.h"
#include "exec/postprocess_detections.h"
#include "reference/reference.h"

namespace netc {

namespace {

// Same classes from the same priors, in the same order; boxes and scores within `tolerance`.
bool same_detections(const std::vector<netc_detection> &got, const std::vector<netc_detection> &want, double tolerance) {
    if (got.size() != want.size()) return false;
    for (size_t i = 0; i < got.size(); i++) {
        const netc_detection &a = got[i], &b = want[i];
        if (a.class_id != b.class_id || a.prior != b.prior) return false;
        for (float d : {a.score - b.score, a.ymin - b.ymin, a.xmin - b.xmin, a.ymax - b.ymax, a.xmax - b.xmax})
            if (!(std::fabs(d) <= tolerance)) return false;
    }
    return true;
}

}  // namespace

bool compare_with_reference(const Graph &g, CompiledModel &m, const std::vector<float> &input, double tolerance) {
    const auto got = m.run(input);
    const auto want = run_reference(g, input);
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
        const bool pass = same_detections(a, b, tolerance * 10);
        ok &= pass;
        std::printf("%-20s %zu compiled, %zu reference: %s\n", "detections", a.size(), b.size(),
                    pass ? "the same" : "FAIL (classes, priors or order differ)");
    }
    return ok;
}

}  // namespace netc
