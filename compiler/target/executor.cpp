#include "target/executor.h"

#include <filesystem>

#include "io/command.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

void require_executor(const TargetInfo &t) {
    const Executor &e = t.executor;
    if (e.kind == Executor::Kind::None) fail("", "", "--target", e.unavailable);
    if (e.kind != Executor::Kind::Emulator) return;
    const std::string program = e.command.substr(0, e.command.find(' '));
    if (!program_on_path(program))
        fail("", "", "--target", "running " + t.name + " code on this machine needs " + program + ", which is not installed (Debian: apt-get install " +
                                     e.package + "), or run it on a device with --runner");
}

std::string run_on_target(const TargetInfo &t, const std::string &workdir, const std::string &program, const std::vector<std::string> &args) {
    require_executor(t);
    std::string cmd = "./" + program;
    for (const auto &a : args) cmd += " " + shell_word(a);
    if (t.executor.kind != Executor::Kind::InProcess) cmd = t.executor.command + " " + cmd;
    // Standard error beside the working directory, not in it: a runner copies that one back.
    const std::string err_file = workdir + ".stderr";
    const ShellResult r = run_shell("cd " + shell_word(workdir) + " && " + cmd + " 2>" + shell_word(err_file), cmd);
    const std::string err = try_read_file(err_file).value_or("");
    std::error_code ec;
    std::filesystem::remove(err_file, ec);
    if (r.exit_code != 0) {
        const std::string how = t.executor.kind == Executor::Kind::Runner ? "the runner" : "the program";
        fail("", "", "", how + " failed (" + t.executor.describe() + ", exit code " + std::to_string(r.exit_code) + ")\n  command: " + cmd +
                             "\n  in: " + workdir + "\n  its standard error:\n" + err);
    }
    return r.out;
}

}  // namespace netc
