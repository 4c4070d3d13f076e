#include "spec/safetensors.h"

#include <cstring>
#include <iterator>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/read_file.h"
#include "spec/diagnostic.h"
#include "spec/parse_json.h"

namespace netc {

using json = nlohmann::json;

std::map<std::string, SafetensorsEntry> read_safetensors(const std::string &path) {
    const std::string bytes = read_file(path, "weights file");
    if (bytes.size() < 8) fail(path, "", "header", "truncated: " + std::to_string(bytes.size()) + " bytes, a safetensors file starts with an 8-byte header length");
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; i--) header_len = (header_len << 8) | uint8_t(bytes[size_t(i)]);
    if (header_len > bytes.size() - 8)
        fail(path, "", "header", "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                                     std::to_string(bytes.size()) + " bytes): truncated or not a safetensors file");
    const json header = parse_json(bytes.substr(8, header_len), path, "header");
    if (!header.is_object()) fail(path, "", "header", "the header is not a JSON object");
    const uint64_t data_size = bytes.size() - 8 - header_len;
    const char *data = bytes.data() + 8 + header_len;

    std::map<std::string, SafetensorsEntry> out;
    std::map<uint64_t, std::pair<uint64_t, std::string>> spans;  // begin → (end, tensor): two tensors never share bytes
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string &name = it.key();
        if (name == "__metadata__") continue;
        const json &e = it.value();
        auto bad = [&](const std::string &field, const std::string &msg) { fail(path, name, field, msg); };
        if (!e.is_object()) bad("", "expected an object with dtype, shape, data_offsets");
        if (!e.contains("dtype") || !e["dtype"].is_string()) bad("dtype", "missing");
        if (e["dtype"] != "F32") bad("dtype", "is " + e["dtype"].get<std::string>() + "; netc reads F32 (float32) weights");
        if (!e.contains("shape") || !e["shape"].is_array()) bad("shape", "missing or not an array");
        SafetensorsEntry t;
        uint64_t count = 1;
        for (const auto &d : e["shape"]) {
            if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t(1) << 32)) bad("shape", "expected non-negative integers, got " + e["shape"].dump());
            t.shape.push_back(d.get<int64_t>());
            if (__builtin_mul_overflow(count, d.get<uint64_t>(), &count) || count > (uint64_t(1) << 40))
                bad("shape", "describes more elements than any file could hold: " + e["shape"].dump());
        }
        if (!e.contains("data_offsets") || !e["data_offsets"].is_array() || e["data_offsets"].size() != 2 ||
            !e["data_offsets"][0].is_number_unsigned() || !e["data_offsets"][1].is_number_unsigned())
            bad("data_offsets", "expected [begin, end]");
        uint64_t begin = e["data_offsets"][0].get<uint64_t>(), end = e["data_offsets"][1].get<uint64_t>();
        if (begin > end) bad("data_offsets", "begin " + std::to_string(begin) + " is after end " + std::to_string(end));
        if (end - begin != count * 4)
            bad("data_offsets", "span of " + std::to_string(end - begin) + " bytes does not hold " + std::to_string(count) +
                                    " float32 values (" + std::to_string(count * 4) + " bytes)");
        if (end > data_size)
            bad("data_offsets", "ends at byte " + std::to_string(end) + " but the data section has only " +
                                    std::to_string(data_size) + " bytes: the file is truncated");
        if (begin < end) {
            // The neighbours by begin are the only spans that can overlap this one.
            auto next = spans.lower_bound(begin);
            if (next != spans.end() && next->first < end)
                bad("data_offsets", "bytes " + std::to_string(begin) + ".." + std::to_string(end) + " overlap tensor '" + next->second.second + "'");
            if (next != spans.begin() && std::prev(next)->second.first > begin)
                bad("data_offsets", "bytes " + std::to_string(begin) + ".." + std::to_string(end) + " overlap tensor '" + std::prev(next)->second.second + "'");
            spans.emplace(begin, std::make_pair(end, name));
        }
        t.data.resize(count);
        std::memcpy(t.data.data(), data + begin, count * 4);  // little-endian hosts only (x86-64, AArch64)
        out.emplace(name, std::move(t));
    }
    return out;
}

void write_safetensors_file(const std::string &path, const std::map<std::string, SafetensorsEntry> &tensors) {
    json header = json::object();
    uint64_t offset = 0;
    for (const auto &[name, t] : tensors) {
        uint64_t bytes = t.data.size() * 4;
        header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    header["__metadata__"] = {{"format", "netc"}};
    std::string h = header.dump();
    while ((h.size() + 8) % 8) h += ' ';  // keep the data 8-byte aligned, as the format recommends
    std::ofstream f(path, std::ios::binary);
    if (!f) fail(path, "", "", "cannot write the weights file");
    uint64_t len = h.size();
    for (int i = 0; i < 8; i++) f.put(char((len >> (8 * i)) & 0xff));
    f.write(h.data(), std::streamsize(h.size()));
    for (const auto &[name, t] : tensors) f.write(reinterpret_cast<const char *>(t.data.data()), std::streamsize(t.data.size() * 4));
    if (!f) fail(path, "", "", "write failed (disk full?)");
}

}  // namespace netc
