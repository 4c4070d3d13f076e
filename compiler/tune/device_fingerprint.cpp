#include "tune/device_fingerprint.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "codegen/output_files.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

// The flags that change what code netc generates or how fast it runs; the rest of
// /proc/cpuinfo's long list (microcode, bugs, ...) would only split one device into many.
const std::set<std::string> kRelevantFeatures = {"sse4_1", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512dq",
                                                 "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile",
                                                 // ARM (Features: ...)
                                                 "neon", "asimd", "asimdhp", "asimddp", "sve", "sve2", "i8mm", "bf16", "vfpv4"};

std::string after_colon(const std::string &line) {
    const size_t c = line.find(':');
    if (c == std::string::npos) return "";
    const size_t start = line.find_first_not_of(" \t", c + 1);
    return start == std::string::npos ? "" : line.substr(start);
}

std::string kib(int64_t bytes) {
    return bytes >= (1 << 20) && bytes % (1 << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes >> 10) + " KiB";
}

}  // namespace

DeviceFingerprint parse_device_fingerprint(const std::string &cpuinfo, const std::vector<int64_t> &caches, int threads) {
    DeviceFingerprint d;
    std::set<std::string> features;
    std::string implementer, part;
    std::istringstream in(cpuinfo);
    std::string line;
    while (std::getline(in, line)) {
        const std::string key = line.substr(0, line.find(':'));
        auto starts = [&](const char *k) { return key.rfind(k, 0) == 0; };
        if (d.cpu.empty() && (starts("model name") || starts("Model") || starts("Hardware"))) d.cpu = after_colon(line);
        if (starts("CPU implementer") && implementer.empty()) implementer = after_colon(line);
        if (starts("CPU part") && part.empty()) part = after_colon(line);
        if (starts("flags") || starts("Features")) {
            std::istringstream words(after_colon(line));
            std::string w;
            while (words >> w)
                if (kRelevantFeatures.count(w)) features.insert(w);
        }
    }
    // An ARM core names itself by implementer and part number (0x41 0xd08: a Cortex-A72).
    if (d.cpu.empty() && !part.empty()) d.cpu = "ARM implementer " + implementer + " part " + part;
    if (d.cpu.empty()) d.cpu = "unknown CPU";
    d.features.assign(features.begin(), features.end());
    d.caches = caches;
    d.threads = threads;
    return d;
}

DeviceFingerprint this_device(int threads) {
    std::vector<int64_t> caches;
    // cpu0's caches in index order: L1d, L1i, L2, L3. The instruction cache is left out.
    for (int i = 0; i < 8; i++) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
        const auto type = try_read_file(dir + "type"), size = try_read_file(dir + "size");
        if (!type || !size) break;
        if (type->rfind("Instruction", 0) == 0) continue;
        int64_t n = 0;
        size_t k = 0;
        while (k < size->size() && std::isdigit(static_cast<unsigned char>((*size)[k]))) n = n * 10 + ((*size)[k++] - '0');
        const char unit = k < size->size() ? (*size)[k] : ' ';
        caches.push_back(unit == 'K' ? n << 10 : unit == 'M' ? n << 20 : n);
    }
    return parse_device_fingerprint(try_read_file("/proc/cpuinfo").value_or(""), caches, threads);
}

std::string DeviceFingerprint::id() const {
    std::string s = "cpu " + cpu + "\nfeatures";
    for (const auto &f : features) s += " " + f;
    s += "\ncaches";
    for (int64_t c : caches) s += " " + std::to_string(c);
    s += "\nthreads " + std::to_string(threads) + "\n";
    return "fnv1a64:" + hex64(fnv1a64(s));
}

nlohmann::ordered_json DeviceFingerprint::to_json() const {
    return {{"id", id()}, {"cpu", cpu}, {"features", features}, {"caches", caches}, {"threads", threads}};
}

std::string DeviceFingerprint::describe() const {
    std::string s = cpu + " (";
    for (size_t i = 0; i < features.size(); i++) s += (i ? " " : "") + features[i];
    s += ")";
    if (caches.size() >= 2) s += ", L2 " + kib(caches[1]);
    if (threads > 0) s += ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    return s;
}

DeviceFingerprint device_fingerprint_from_json(const nlohmann::json &j, const std::string &where) {
    auto bad = [&](const std::string &why) -> DeviceFingerprint { fail(where, "", "device", why); };
    if (!j.is_object() || !j.contains("cpu") || !j["cpu"].is_string() || !j.contains("features") || !j["features"].is_array() ||
        !j.contains("caches") || !j["caches"].is_array() || !j.contains("threads") || !j["threads"].is_number_integer())
        return bad("expected {\"cpu\", \"features\", \"caches\", \"threads\"}, got " + j.dump());
    DeviceFingerprint d;
    d.cpu = j["cpu"].get<std::string>();
    for (const auto &f : j["features"]) {
        if (!f.is_string()) return bad("features must be strings");
        d.features.push_back(f.get<std::string>());
    }
    for (const auto &c : j["caches"]) {
        if (!c.is_number_integer() || c.get<int64_t>() < 0) return bad("caches must be sizes in bytes");
        d.caches.push_back(c.get<int64_t>());
    }
    d.threads = j["threads"].get<int>();
    if (d.threads < 1) return bad("threads must be positive");
    std::sort(d.features.begin(), d.features.end());
    if (j.contains("id") && j["id"] != d.id()) return bad("its id " + j["id"].dump() + " is not its fields' (" + d.id() + ")");
    return d;
}

}  // namespace netc
