// --target, --runner and --emulator-cpu: where the commands that run compiled code (run,
// check, bench) run it. One place, so every command says and checks them the same way.
#pragma once

#include "cli/args.h"
#include "target/target.h"

namespace netc {

extern const char *const kTargetOptionsHelp;

// The target named by --target (default host), with the executor --runner / --emulator-cpu ask for.
TargetInfo target_from_args(const Args &a);

}  // namespace netc
