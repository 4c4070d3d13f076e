// Building C code for a target with its toolchain (target.h): the netc runtime, once per
// target, a model's descriptor, the device-side runner program, and the line an app links with.
#pragma once

#include <functional>
#include <string>

#include "target/target.h"

namespace netc {

// Fails, naming the Debian package to install, when the target's C compiler is missing.
void require_c_compiler(const TargetInfo &t, const std::string &cc);

// `cc` with the target's ISA/ABI flags: the start of every compile or link for `t`.
std::string c_command(const TargetInfo &t, const std::string &cc);

// The netc runtime (every .c in runtime/) compiled for `t`: <generated_dir>/runtime/<target>/
// libnetc_runtime.a, rebuilt only when the sources or the command change. Returns its path.
std::string netc_runtime_for(const TargetInfo &t, const std::string &cc, const std::string &generated_dir,
                             const std::function<void(const std::string &)> &say);

// Where the runtime's sources and headers are (NETC_HOME/runtime for an installed netc).
std::string runtime_source_dir();

// How an app is compiled and linked against a model compiled into `dir` for `t` (one line,
// the app's source file written as APP.c).
std::string app_link_line(const TargetInfo &t, const std::string &dir, const std::string &model);

}  // namespace netc
