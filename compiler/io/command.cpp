#include "io/command.h"

#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <cstdlib>

#include "spec/diagnostic.h"

namespace netc {

std::string shell_word(const std::string &s) {
    // Plain words stay plain, so the commands netc prints for a user to copy read as typed.
    bool plain = !s.empty();
    for (char c : s) plain &= std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./+=:,@%-", c) != nullptr;
    if (plain) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

ShellResult run_shell(const std::string &cmd, const std::string &what) {
    ShellResult r;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) fail("", "", "", "cannot start " + what);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit_code = status == 0 ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string run_command(const std::string &cmd, const std::string &what, const std::string &hint) {
    const ShellResult r = run_shell(cmd + " 2>&1", what);
    if (r.exit_code != 0) fail("", "", "", what + " failed:\n" + r.out + "(the command was: " + cmd + ")" + (hint.empty() ? "" : "\n" + hint));
    return r.out;
}

bool program_on_path(const std::string &program) {
    return std::system(("command -v " + shell_word(program) + " >/dev/null 2>&1").c_str()) == 0;
}

std::string netc_path(const std::string &under, const std::string &built_in) {
    const char *home = std::getenv("NETC_HOME");
    return home ? std::string(home) + "/" + under : built_in;
}

}  // namespace netc
