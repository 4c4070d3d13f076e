// Writing what `netc compile` produces so that a process killed at any moment (kill -9, a
// full disk, Ctrl-C) leaves either the previous complete output or none, never half of one;
// and telling, when a compiled model is opened, whether its directory is complete and was
// compiled from the spec and weights in hand. docs/reliability.md has the design.
//
// Every temporary name ends in ".tmp-<pid>", beside what it becomes (same directory, so a
// rename puts it in place atomically); remove_abandoned clears those of dead processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ir/graph.h"

namespace netc {

// FNV-1a, 64 bits (the hash netc uses for build keys): not a security hash; it tells apart
// inputs that differ, which is all a cache key or a "compiled from these files" record needs.
constexpr uint64_t kFnv1aBasis = 1469598103934665603ull;
uint64_t fnv1a64(const void *data, size_t bytes, uint64_t h = kFnv1aBasis);
inline uint64_t fnv1a64(const std::string &s, uint64_t h = kFnv1aBasis) { return fnv1a64(s.data(), s.size(), h); }
std::string hex64(uint64_t h);  // 16 lowercase hex digits

// What a compiled model was made from, as recorded in its <model>.json ("content_hash"): the
// netc version, the model's name and input shape (which the width and resolution multipliers
// change), the bytes of the spec (or the ONNX model), of its weights file (or the random
// seed), of a detector's anchor file and of an imported model's detection config. Reads those files: call it when a model is compiled
// or opened, never per inference. `g` as load_model returns it (weights bound or not).
std::string model_content_hash(const Graph &g);

// The suffix of every temporary name of this process: ".tmp-<pid>".
std::string temporary_suffix();

// Removes the entries of `dir` named "*.tmp-<pid>" whose process is gone (a compile killed
// halfway). Entries of live processes (another compile at work) are left alone.
void remove_abandoned(const std::filesystem::path &dir);

// `text` → `path`, written to path.tmp-<pid> first and renamed into place.
void write_file_atomically(const std::string &path, const std::string &text);

// Puts the complete directory `staged` at `final_dir` (same parent) in one step: a rename
// when there is nothing there yet; otherwise an atomic exchange (Linux renameat2
// RENAME_EXCHANGE) and the old one, now at `staged`, removed. Where the file system cannot
// exchange, the old one is renamed aside first (a reader then sees, for a moment, no
// directory: never a partial one).
void install_directory(const std::filesystem::path &staged, const std::filesystem::path &final_dir);

// A library cached under `lib` (the shared runtimes), with a stamp `lib`.key beside it that
// records its build key and size, written after it: a library without a matching stamp (a
// build killed between the two, a truncated file) is not current and is rebuilt.
bool stamped_library_is_current(const std::filesystem::path &lib, const std::string &key);
// Puts the library built at `built` (in a work directory beside `lib`) in place as `lib`,
// then its stamp. Kill points `<step>` before the rename and `<step>_stamp` before the stamp.
void install_stamped_library(const std::filesystem::path &built, const std::filesystem::path &lib, const std::string &key,
                             const std::string &step);

// `link` → a symlink to `target`, replaced atomically (a new link renamed over the old).
void replace_symlink(const std::string &target, const std::filesystem::path &link);

// {"name": bytes} for every regular file in `dir` but `except`.
nlohmann::json file_sizes(const std::filesystem::path &dir, const std::string &except);

// "" when every file `files` (file_sizes' record) lists is in `dir` with its size; else what
// is wrong ("libm.so is missing", "libm.a has 100 bytes, not 2000").
std::string check_file_sizes(const std::filesystem::path &dir, const nlohmann::json &files);

// Tests of the above: NETC_TEST_KILL_AT=<step> makes the process SIGKILL itself when it
// reaches the point named `step` (see docs/reliability.md for the list). No effect
// when the variable is unset.
void kill_point(const char *step);

}  // namespace netc
