#include "codegen/output_files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "io/read_file.h"
#include "spec/diagnostic.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

namespace netc {

namespace fs = std::filesystem;

uint64_t fnv1a64(const void *data, size_t bytes, uint64_t h) {
    const unsigned char *p = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < bytes; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

std::string hex64(uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string model_content_hash(const Graph &g) {
    uint64_t h = kFnv1aBasis;
    // Each part labelled and length-prefixed, so that bytes cannot move from one to the next.
    auto add = [&h](const std::string &label, const std::string &bytes) {
        h = fnv1a64(label + " " + std::to_string(bytes.size()) + "\n", h);
        h = fnv1a64(bytes, h);
    };
    add("netc", NETC_VERSION);
    add("model", g.name);
    const Shape s = g.input.shape;
    add("input", std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c));
    const bool onnx = g.format == ModelFormat::Onnx, tfjs = g.format == ModelFormat::TfjsLayers || g.format == ModelFormat::TfjsGraph;
    // A graph built in memory (no file) is known by its name and shape alone.
    if (!g.spec_file.empty()) add(onnx ? "onnx" : tfjs ? "tfjs" : "spec", read_file(g.spec_file, onnx ? "ONNX model" : tfjs ? "TF.js model.json" : "spec file"));
    // A TF.js model's weights are in shards beside it: hashed as imported, layer by layer.
    if (tfjs)
        for (const Layer &l : g.layers)
            for (const auto &[role, t] : l.params)
                add(l.name + "." + role, std::string(reinterpret_cast<const char *>(t.data.data()), t.data.size() * sizeof(float)));
    if (g.weights.random) add("weights", "random seed " + std::to_string(g.weights.seed));
    if (!g.weights.file.empty() && g.weights.file != g.spec_file) add("weights file", read_file(g.weights.file, "weights file"));
    if (!g.detection.anchor_file.empty()) add("anchors", read_file(g.detection.anchor_file, "anchor file"));
    if (!g.detection.config_file.empty()) add("detection config", read_file(g.detection.config_file, "detection config"));
    if (!g.input.preprocess_file.empty()) add("preprocess config", read_file(g.input.preprocess_file, "preprocess config"));
    return hex64(h);
}

std::string temporary_suffix() { return ".tmp-" + std::to_string(::getpid()); }

void remove_abandoned(const fs::path &dir) {
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const size_t at = name.rfind(".tmp-");
        if (at == std::string::npos || at + 5 == name.size()) continue;
        const std::string digits = name.substr(at + 5);
        if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
        const pid_t pid = pid_t(std::atol(digits.c_str()));
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to ask about)
        std::error_code rm;
        fs::remove_all(e.path(), rm);
    }
}

void write_file_atomically(const std::string &path, const std::string &text) {
    const std::string tmp = path + temporary_suffix();
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        f.close();
        if (!f) {
            std::error_code ec;
            fs::remove(tmp, ec);
            fail(path, "", "", "cannot write");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(tmp, ec);
        fail(path, "", "", "cannot write: " + why);
    }
}

void install_directory(const fs::path &staged, const fs::path &final_dir) {
    // Nothing there (or an empty directory): one rename.
    if (::rename(staged.c_str(), final_dir.c_str()) == 0) return;
    const int first = errno;
    if (first != ENOTEMPTY && first != EEXIST && first != ENOTDIR && first != EISDIR)
        fail(final_dir.string(), "", "", std::string("cannot put the compiled model in place: ") + std::strerror(first));
    std::error_code ec;
    if (::syscall(SYS_renameat2, AT_FDCWD, staged.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) == 0) {
        kill_point("exchanged");  // the new directory in place, the old one at the staging name
        fs::remove_all(staged, ec);
        return;
    }
    // No exchange here (an old kernel, a file system without it): the old one aside, then
    // the new one in. Killed between the two, there is no directory, never a partial one.
    const fs::path aside = fs::path(staged.string() + ".old" + temporary_suffix());
    if (::rename(final_dir.c_str(), aside.c_str()) != 0)
        fail(final_dir.string(), "", "", std::string("cannot move the previous compiled model aside: ") + std::strerror(errno));
    kill_point("aside");
    if (::rename(staged.c_str(), final_dir.c_str()) != 0)
        fail(final_dir.string(), "", "", std::string("cannot put the compiled model in place: ") + std::strerror(errno));
    fs::remove_all(aside, ec);
}

void replace_symlink(const std::string &target, const fs::path &link) {
    const fs::path tmp = fs::path(link.string() + temporary_suffix());
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_directory_symlink(target, tmp, ec);
    if (!ec) {
        fs::rename(tmp, link, ec);  // atomic over a symlink or a file
        if (!ec) return;
        fs::remove(tmp, ec);
    }
    // `link` is a directory (made by hand?): replaced the plain way.
    fs::remove(link, ec);
    fs::create_directory_symlink(target, link, ec);
}

nlohmann::json file_sizes(const fs::path &dir, const std::string &except) {
    nlohmann::json files = nlohmann::json::object();
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name == except || !e.is_regular_file()) continue;
        files[name] = int64_t(e.file_size());
    }
    if (ec) fail(dir.string(), "", "", "cannot list: " + ec.message());
    return files;
}

std::string check_file_sizes(const fs::path &dir, const nlohmann::json &files) {
    if (!files.is_object() || files.empty()) return "its metadata lists no files";
    for (const auto &[name, bytes] : files.items()) {
        std::error_code ec;
        const uintmax_t have = fs::file_size(dir / name, ec);
        if (ec) return name + " is missing";
        if (!bytes.is_number_integer() || int64_t(have) != bytes.get<int64_t>())
            return name + " has " + std::to_string(have) + " bytes, not the " + bytes.dump() + " it was written with";
    }
    return "";
}

void kill_point(const char *step) {
    static const char *const at = std::getenv("NETC_TEST_KILL_AT");
    if (at && std::strcmp(at, step) == 0) {
        std::fflush(nullptr);
        ::raise(SIGKILL);
    }
}

namespace {
std::filesystem::path stamp_of(const std::filesystem::path &lib) { return lib.parent_path() / (lib.stem().string() + ".key"); }
}  // namespace

bool stamped_library_is_current(const std::filesystem::path &lib, const std::string &key) {
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(lib, ec);
    return !ec && try_read_file(stamp_of(lib).string()) == key + " " + std::to_string(size) + "\n";
}

void install_stamped_library(const std::filesystem::path &built, const std::filesystem::path &lib, const std::string &key,
                             const std::string &step) {
    kill_point(step.c_str());
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(built, ec);
    if (ec) fail(built.string(), "", "", "the build wrote no library: " + ec.message());
    // Renamed into place: a build killed halfway never leaves a library that looks complete.
    std::filesystem::rename(built, lib, ec);
    if (ec) fail(lib.string(), "", "", "cannot write: " + ec.message());
    kill_point((step + "_stamp").c_str());
    write_file_atomically(stamp_of(lib).string(), key + " " + std::to_string(size) + "\n");
}

}  // namespace netc
