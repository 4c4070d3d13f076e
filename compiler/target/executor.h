// Running a program built for a target through its executor (target.h): qemu-user, or a
// user's runner command that may take the program to a device. The program runs from a
// working directory that holds everything it needs; what it writes there comes back in it.
#pragma once

#include <string>
#include <vector>

#include "target/target.h"

namespace netc {

// Fails with what to do when `t`'s executor cannot run programs here: qemu not installed
// (names the Debian package) or no executor at all (x86 code this CPU lacks features for).
void require_executor(const TargetInfo &t);

// Runs `EXECUTOR ./program ARGS...` from `workdir` and returns its standard output. A program
// or runner that fails is a CompileError holding its exit code and standard error.
std::string run_on_target(const TargetInfo &t, const std::string &workdir, const std::string &program, const std::vector<std::string> &args);

}  // namespace netc
