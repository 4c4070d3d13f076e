#include "cli/target_options.h"

namespace netc {

const char *const kTargetOptionsHelp =
    "target options:\n"
    "  --target T          which compiled target (default host: this machine). x86-64-avx512, x86-64-avx2,\n"
    "                      x86-64-sse41, arm-64-linux (AArch64 NEON), arm-32-linux (ARMv7-A NEON, hard-float)\n"
    "  --runner CMD        run the target's code with `CMD PROGRAM ARGS...` from a directory holding all PROGRAM\n"
    "                      needs (e.g. a script that copies it to a board over ssh; docs/targets.md)\n"
    "  --emulator-cpu CPU  the core qemu-user emulates for ARM code on this machine (default cortex-a72 for\n"
    "                      arm-64-linux, cortex-a15 for arm-32-linux)\n";

TargetInfo target_from_args(const Args &a) {
    ExecutorChoice how;
    how.runner = a.get("--runner", "");
    how.emulator_cpu = a.get("--emulator-cpu", "");
    if (a.has("--runner") && how.runner.empty()) throw UsageError("--runner takes a command");
    if (!how.runner.empty() && !how.emulator_cpu.empty()) throw UsageError("--runner and --emulator-cpu exclude each other: a runner decides where the code runs");
    return resolve_target(a.get("--target", "host"), how);
}

}  // namespace netc
