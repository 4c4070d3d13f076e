// netc: the command-line front of the compiler. Each subcommand lives in its own file.
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli/args.h"
#include "spec/diagnostic.h"

namespace {

const char *kUsage =
    "netc " NETC_VERSION_STRING " - compiles depthwise-separable CNNs to Halide static libraries\n"
    "\n"
    "usage: netc <command> [options]   (netc <command> --help for each)\n"
    "\n"
    "commands:\n"
    "  compile  SPEC      generate lib<model>.a, <model>.h and metadata under generated/<model>/<target>/\n"
    "  summary  SPEC      per-layer output shape, parameters and MACs, with totals\n"
    "  run      SPEC      run the compiled model (or the reference interpreter) on an input\n"
    "  check    SPEC      compiled model vs reference interpreter on a seeded input\n"
    "  weights  SPEC      write the spec's weights (e.g. seeded random) to a safetensors file\n"
    "  bench    SPEC      check the compiled model, then time it (median, min, p10-p90, GFLOP/s)\n"
    "  estimate SPEC      static speed estimate of ARM code: inner loops and llvm-mca, per stage\n"
    "  tune     SPEC      measure which stage boundaries to fuse on this machine; writes a schedule\n"
    "  import   MODEL.onnx  translate an ONNX model into a spec + safetensors weights\n"
    "  export   SPEC      write the network and weights as ONNX (opset 13)\n"
    "\n"
    "Every command taking SPEC also takes an ONNX file, imported on the fly. compile, run, check, bench\n"
    "and estimate take --target (x86-64-*, arm-64-linux, arm-32-linux; docs/targets.md).\n";

struct Command {
    const char *name;
    int (*fn)(int, char **);
};
const Command kCommands[] = {{"compile", netc::cmd_compile}, {"summary", netc::cmd_summary}, {"run", netc::cmd_run},
                             {"check", netc::cmd_check},     {"weights", netc::cmd_weights},
                             {"bench", netc::cmd_bench},     {"import", netc::cmd_import},
                             {"export", netc::cmd_export},       {"tune", netc::cmd_tune},
                             {"estimate", netc::cmd_estimate}};

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::puts("netc " NETC_VERSION_STRING);
        return 0;
    }
    for (const auto &c : kCommands) {
        if (std::strcmp(argv[1], c.name) != 0) continue;
        try {
            return c.fn(argc, argv);
        } catch (const netc::UsageError &e) {
            std::fprintf(stderr, "netc %s: %s\n(see netc %s --help)\n", c.name, e.what(), c.name);
            return 2;
        } catch (const netc::CompileError &e) {
            std::fprintf(stderr, "error: %s\n", netc::format(e.diag).c_str());
            return 1;
        } catch (const std::exception &e) {
            // Halide reports errors as exceptions too; none may escape as a crash.
            std::fprintf(stderr, "error: %s\n", e.what());
            return 1;
        }
    }
    std::fprintf(stderr, "netc: unknown command '%s'\n\n%s", argv[1], kUsage);
    return 2;
}
