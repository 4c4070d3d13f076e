#include "schedule/autoschedule.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>

#include "spec/diagnostic.h"

namespace netc {

namespace {

// Where Debian's libhalide14-0-dev puts each plugin (found by CMake from Halide's own targets).
std::string plugin_path(const std::string &name) {
    if (name == "Adams2019") return NETC_AUTOSCHEDULER_ADAMS2019;
    if (name == "Li2018") return NETC_AUTOSCHEDULER_LI2018;
    if (name == "Mullapudi2016") return NETC_AUTOSCHEDULER_MULLAPUDI2016;
    return "";
}

bool readable(const std::string &path) { return std::ifstream(path).good(); }

}  // namespace

const std::vector<std::string> &autoscheduler_names() {
    static const std::vector<std::string> names = {"Adams2019", "Li2018", "Mullapudi2016"};
    return names;
}

std::string autoscheduler_problem(const std::string &name) {
    const std::string path = plugin_path(name);
    if (path.empty()) return "unknown autoscheduler '" + name + "' (Halide 14 has Adams2019, Li2018 and Mullapudi2016)";
    if (!readable(path)) return "the " + name + " plugin is missing (" + path + "): install libhalide14-0-dev";
    return "";
}

std::string apply_autoscheduler(Halide::Pipeline &pipeline, const std::string &name, const TargetInfo &t, int parallelism,
                                const std::string &file, const std::string &stage) {
    // A plugin registers its autoscheduler when loaded, and a second registration is an error:
    // checked and loaded once per process, not per stage.
    static std::mutex lock;
    static std::set<std::string> loaded;
    {
        std::lock_guard<std::mutex> guard(lock);
        if (!loaded.count(name)) {
            const std::string problem = autoscheduler_problem(name);
            if (!problem.empty()) fail(file, stage, "autoscheduler.name", problem);
            Halide::load_plugin(plugin_path(name));
            loaded.insert(name);
        }
    }
    const Halide::MachineParams params(std::max(parallelism, 1), uint64_t(t.l2_bytes), 40.0f);
    // Adams2019 narrates its beam search on stderr, a dozen lines a stage: kept from the
    // user's terminal. Its errors come back as exceptions, not as that text.
    std::fflush(stderr);
    const int saved = dup(2), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0) dup2(null, 2);
    auto restore = [&] {
        std::fflush(stderr);
        if (saved >= 0) dup2(saved, 2), close(saved);
        if (null >= 0) close(null);
    };
    try {
        std::string source = pipeline.auto_schedule(name, t.halide, params).schedule_source;
        restore();
        return source;
    } catch (const Halide::Error &e) {
        restore();
        fail(file, stage, "autoscheduler.name", name + " could not schedule this stage: " + e.what());
    }
}

}  // namespace netc
