#include "spec/parse_json.h"

#include "spec/diagnostic.h"

namespace netc {

namespace {
struct TooDeep {};
}  // namespace

nlohmann::json parse_json(const std::string &text, const std::string &file, const std::string &field, size_t max_bytes) {
    using json = nlohmann::json;
    if (text.size() > max_bytes)
        fail(file, "", field, "JSON of " + std::to_string(text.size()) + " bytes, more than the " + std::to_string(max_bytes) +
                                  " this loader accepts");
    // The parser itself keeps its own stack; the depth is stopped here, before a deep value exists.
    const json::parser_callback_t bound_depth = [](int depth, json::parse_event_t, json &) {
        if (depth > kMaxJsonDepth) throw TooDeep{};
        return true;
    };
    try {
        return json::parse(text, bound_depth);
    } catch (const TooDeep &) {
        fail(file, "", field, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels: not a file netc wrote or reads");
    } catch (const json::exception &e) {  // parse_error, and out_of_range for a number past double (1e999)
        // nlohmann's message starts with "[json.exception.parse_error.101] "; the rest says where.
        const std::string msg = e.what();
        const size_t p = msg.find("] ");
        fail(file, "", field, "malformed JSON: " + (p == std::string::npos ? msg : msg.substr(p + 2)));
    }
}

}  // namespace netc
