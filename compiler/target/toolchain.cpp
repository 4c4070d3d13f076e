#include "target/toolchain.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "codegen/output_files.h"
#include "io/command.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

namespace fs = std::filesystem;

std::string runtime_source_dir() { return netc_path("runtime", NETC_RUNTIME_INCLUDE_DIR); }

void require_c_compiler(const TargetInfo &t, const std::string &cc) {
    const std::string program = cc.substr(0, cc.find(' '));
    if (program_on_path(program)) return;
    if (cc == t.toolchain.cc)
        fail("", "", "--target", "building for " + t.name + " needs the C compiler " + program + ", which is not installed (Debian: apt-get install " +
                                     t.toolchain.cc_package + ")");
    fail("", "", "--cc", "the C compiler '" + program + "' is not on the PATH");
}

std::string c_command(const TargetInfo &t, const std::string &cc) {
    return cc + (t.toolchain.cflags.empty() ? "" : " " + t.toolchain.cflags);
}

std::string netc_runtime_for(const TargetInfo &t, const std::string &cc, const std::string &generated_dir,
                             const std::function<void(const std::string &)> &say) {
    const fs::path src = runtime_source_dir();
    // The sources it compiles and the headers they include: the build key covers both, in a
    // fixed order.
    std::vector<fs::path> sources, files;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(src, ec)) {
        if (e.path().extension() == ".c") sources.push_back(e.path());
        if (e.path().extension() == ".c" || e.path().extension() == ".h") files.push_back(e.path());
    }
    if (ec || sources.empty()) fail(src.string(), "", "", "cannot find the netc runtime's sources (set NETC_HOME to an installed netc)");
    std::sort(sources.begin(), sources.end());
    std::sort(files.begin(), files.end());
    // Release flags, as CMake builds the host's copy; -fPIC because a host model's .so links it.
    const std::string compile = c_command(t, cc) + " -O3 -DNDEBUG -fPIC -I" + shell_word(src.string()) + " -I" + shell_word(NETC_HALIDE_INCLUDE_DIR);
    std::string key_text = compile;
    for (const auto &p : files) key_text += "\n" + p.filename().string() + "\n" + read_file(p.string(), "runtime source");
    // FNV-1a (codegen/output_files.h): a build key for the runtime's sources and command.
    const std::string key = hex64(fnv1a64(key_text));

    // Cached with a stamp of its key and size (codegen/output_files.h): truncated or half-built is rebuilt.
    const fs::path dir = fs::path(generated_dir) / "runtime" / t.name;
    const fs::path lib = dir / "libnetc_runtime.a";
    if (stamped_library_is_current(lib, key)) return lib.string();

    say("building the netc runtime for " + t.name + " (once per target)");
    fs::create_directories(dir, ec);
    if (ec) fail(dir.string(), "", "--generated-dir", "cannot create the directory: " + ec.message());
    remove_abandoned(dir);  // work directories of builds killed halfway
    const fs::path work = dir / ("netc_runtime" + temporary_suffix());
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    std::string objects;
    for (const auto &p : sources) {
        const fs::path o = work / (p.stem().string() + ".o");
        run_command(compile + " -c " + shell_word(p.string()) + " -o " + shell_word(o.string()), "compiling the netc runtime (" + p.filename().string() + ")");
        objects += " " + shell_word(o.string());
    }
    const fs::path tmp = work / "libnetc_runtime.a";
    run_command("ar rcs " + shell_word(tmp.string()) + objects, "archiving the netc runtime");
    install_stamped_library(tmp, lib, key, "netc_runtime");
    fs::remove_all(work, ec);
    return lib.string();
}

std::string app_link_line(const TargetInfo &t, const std::string &dir, const std::string &model) {
    const std::string d = shell_word(dir);
    return c_command(t, t.toolchain.cc) + " -O2 APP.c -I" + d + " " + d + "/lib" + model + ".a " + d + "/libnetc_runtime.a " + d +
           "/libhalide_runtime.a -lpthread -ldl -lm -o APP";
}

}  // namespace netc
