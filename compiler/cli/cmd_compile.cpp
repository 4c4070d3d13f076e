#include <cstdio>

#include "cli/args.h"
#include "codegen/compile_model.h"
#include "spec/load_model.h"

namespace netc {

int cmd_compile(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--target", "--generated-dir", "--cc", "--schedule", "--layout", "--batch"}, {"--emit-stmt", "--quiet"});
    if (a.help()) {
        std::puts(
            "usage: netc compile SPEC [options]\n"
            "\n"
            "Compiles the model described by SPEC (JSON, see docs/spec.md) into\n"
            "<generated-dir>/<model>/<target>/: lib<model>.a, <model>.h, <model>.json (metadata),\n"
            "libnetc_runtime.a and libhalide_runtime.a built for the target, <model>_runner (the\n"
            "program emulators and device runners execute) and, for this machine's kind of CPU,\n"
            "lib<model>.so (for netc run/check/bench in process). Prints the line that links an app.\n"
            "The directory is built beside and renamed into place whole: a compile that is killed or\n"
            "fails leaves the previous one (or none), never part of one.\n"
            "\n"
            "options:\n"
            "  --target T          host (default: the best this CPU supports), x86-64-avx2, x86-64-avx512, x86-64-sse41,\n"
            "                      arm-64-linux (AArch64 NEON: Raspberry Pi 3/4/5 64-bit, Jetson, phones),\n"
            "                      arm-32-linux (ARMv7-A NEON, hard-float: 32-bit Raspberry Pi OS); see docs/targets.md\n"
            "  --generated-dir D   output root (default: generated)\n"
            "  --cc CC             C compiler for the target (default: its toolchain's: cc, aarch64-linux-gnu-gcc,\n"
            "                      arm-linux-gnueabihf-gcc)\n"
            "  --schedule F        schedule parameters (default: the file in schedules/<target>/ that netc tune wrote\n"
            "                      for this model, told by its fingerprint, not its name; else schedules/<target>.json;\n"
            "                      see schedules/README.md and docs/fusion.md)\n"
            "  --layout L          how the C API lays out images: nhwc (default: {H, W, C}, netc's own order) or nchw\n"
            "                      ({N, C, H, W}, as PyTorch and ONNX declare them; the runtime transposes)\n"
            "  --batch N           items per netc_run (default: the batch an ONNX file declares, else 1); the\n"
            "                      runtime runs them one after the other, and the shapes gain a leading N\n"
            "  --emit-stmt         also write each stage's lowered Halide statement (.stmt)\n"
            "  --quiet             no progress output\n");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    const std::string spec = a.one_positional("spec file");
    CompileOptions opt;
    opt.target = a.get("--target", "host");
    opt.generated_dir = a.get("--generated-dir", "generated");
    opt.cc = a.get("--cc", "");
    opt.emit_stmt = a.has("--emit-stmt");
    opt.schedule_file = a.get("--schedule", "");
    const std::string layout = a.get("--layout", "nhwc");
    if (layout != "nhwc" && layout != "nchw") throw UsageError("--layout must be nhwc or nchw, got '" + layout + "'");
    opt.nchw = layout == "nchw";
    opt.batch = a.get_int("--batch", 0, 1, 65536);
    if (!a.has("--quiet")) opt.progress = [](const std::string &s) { std::printf("%s\n", s.c_str()), std::fflush(stdout); };
    const ModelOptions mo = model_options(a);
    opt.notice = mo.notice;
    const Graph g = load_model(spec, mo);
    CompileResult r = compile_model(g, opt);
    std::printf("compiled %s for %s in %.1fs: %d stages, %.1f MB of weights, %.1f MB activation arena\n  %s\n  %s\n  %s\n",
                g.name.c_str(), r.target.name.c_str(), r.seconds, r.stages, double(r.weight_bytes) / 1e6, double(r.arena_bytes) / 1e6,
                r.library.c_str(), r.header.c_str(), r.metadata.c_str());
    std::printf("link an app (APP.c) for %s with:\n  %s\n", r.target.name.c_str(), r.link_line.c_str());
    return 0;
}

}  // namespace netc
