#include <cstdio>

#include "analysis/summary.h"
#include "cli/args.h"
#include "schedule/model_fingerprint.h"
#include "spec/load_model.h"

namespace netc {

int cmd_summary(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--target", "--schedule"}, {"--stages"});
    if (a.help()) {
        std::puts(
            "usage: netc summary SPEC\n"
            "\n"
            "Prints each layer (composites expanded, nothing folded) with its output shape,\n"
            "trainable parameters (BatchNorm gamma/beta included) and multiply-accumulates, and the totals.\n"
            "Needs no weights file (--stages does: it folds them).\n"
            "\n"
            "  --stages            instead, the compiled stages: which layers each one computes (after\n"
            "                      BatchNorm folding, activation fusion and stage fusion) and its tensor in the arena\n"
            "  --target T          with --stages: the target whose schedule decides the fusion (default host)\n"
            "  --schedule F        with --stages: schedule parameters (default: as netc compile picks them)");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    if (a.has("--stages")) {  // folding needs the weights
        const Graph g = load_model(a.one_positional("spec file"), model_options(a));
        const TargetInfo target = resolve_target(a.get("--target", "host"));
        const std::string fingerprint = model_fingerprint(g);
        const ScheduleParams params = schedule_params_for(target.name, g.name, fingerprint, a.get("--schedule", ""), model_options(a).notice);
        std::printf("model %s (%s), fingerprint %s\n%s", g.name.c_str(), g.spec_file.c_str(), fingerprint.c_str(),
                    stages_table(g, target, params).c_str());
        return 0;
    }
    const Graph g = load_model_structure(a.one_positional("spec file"), model_options(a));
    std::printf("model %s (%s), fingerprint %s\n%s", g.name.c_str(), g.spec_file.c_str(), model_fingerprint(g).c_str(), summary_table(g).c_str());
    if (g.detection.present) {
        const netc_detection_config c = g.detection.runtime_config();
        std::printf("detection: %s family, %lld priors, %d classes (background %d), %s NMS at IoU %g, score > %g, at most %d\n",
                    g.detection.family.c_str(), (long long)netc_detect_num_priors(&c), int(c.num_classes), int(c.background_class),
                    c.nms == NETC_NMS_PER_CLASS ? "per-class" : "class-agnostic", double(c.iou_threshold), double(c.score_threshold),
                    int(c.max_detections));
    }
    return 0;
}

}  // namespace netc
