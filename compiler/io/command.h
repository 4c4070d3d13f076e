// The few things netc does with the host system besides files: quoting a word for the shell,
// running a command (the C compiler, ar, node), and finding its own installed pieces.
#pragma once

#include <string>

namespace netc {

// A path or argument as one shell word, whatever it contains.
std::string shell_word(const std::string &s);

// Runs `cmd` through the shell: its standard output, and its exit code (0 on success; -1 when
// a signal ended it). Only `cmd` itself redirects standard error.
struct ShellResult {
    std::string out;
    int exit_code = 0;
};
ShellResult run_shell(const std::string &cmd, const std::string &what);

// Runs `cmd` through the shell and returns what it printed (stdout and stderr together).
// On failure throws a CompileError with `what`, the output, the command and `hint`.
std::string run_command(const std::string &cmd, const std::string &what, const std::string &hint = "");

// Whether `program` (a name, no arguments) is a command the shell finds on the PATH.
bool program_on_path(const std::string &program);

// `$NETC_HOME/<under>` when NETC_HOME is set (an installed netc), else `built_in` (the
// source or build tree this netc was compiled from).
std::string netc_path(const std::string &under, const std::string &built_in);

}  // namespace netc
