// JSON text from a file someone else wrote (specs, safetensors headers, schedules): parsed
// with bounds, so hostile nesting or size is an error naming the file, never a deep
// recursion. Every loader of a user's JSON goes through here; only the metadata netc compile
// writes beside a library is read directly (exec/compiled_model.cpp, analysis/compiled_stages.cpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace netc {

// Far deeper than any netc file needs (a spec nests 5 levels) and far shallower than what
// could exhaust a stack in nlohmann's recursive dump, compare and copy.
constexpr int kMaxJsonDepth = 64;

// Parses `text`; malformed JSON, nesting past kMaxJsonDepth or a text over `max_bytes` is a
// CompileError naming `file` and `field` (empty for the whole file).
nlohmann::json parse_json(const std::string &text, const std::string &file, const std::string &field = "",
                          size_t max_bytes = size_t(256) << 20);

}  // namespace netc
