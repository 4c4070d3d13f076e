#include "tune/trial_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <sstream>

#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

using ojson = nlohmann::ordered_json;

ojson Trial::to_json() const {
    return {{"model_fingerprint", model_fingerprint}, {"target", target}, {"device", device}, {"netc_version", netc_version},
            {"round", round}, {"stage", stage}, {"signature", signature}, {"knobs", knobs}, {"compile_seconds", compile_seconds},
            {"runs", runs}, {"median_ms", median_ms}, {"spread_ms", spread_ms}, {"ok", ok}, {"note", note}};
}

void append_trial(const std::string &log, const Trial &t, const DeviceFingerprint &device) {
    ojson j = t.to_json();
    j["device"] = device.id();
    j["device_fingerprint"] = device.to_json();
    const std::string line = j.dump() + "\n";
    // One write(2) of the whole line with O_APPEND: lines of concurrent writers do not
    // interleave, and a kill can only cut the last line short (read_trial_log drops it).
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) fail(log, "", "--log", std::string("cannot open the tuning log: ") + std::strerror(errno));
    const ssize_t n = ::write(fd, line.data(), line.size());
    const int err = errno;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (n != ssize_t(line.size()) || !synced) fail(log, "", "--log", std::string("cannot write the tuning log: ") + std::strerror(err));
}

namespace {

Trial trial_from_json(const nlohmann::json &j, const std::string &where) {
    auto str = [&](const char *k) -> std::string {
        if (!j.contains(k) || !j[k].is_string()) fail(where, "", k, "expected a string");
        return j[k].get<std::string>();
    };
    auto num = [&](const char *k) -> double {
        if (!j.contains(k) || !j[k].is_number()) fail(where, "", k, "expected a number");
        return j[k].get<double>();
    };
    Trial t;
    t.model_fingerprint = str("model_fingerprint"), t.target = str("target"), t.device = str("device"), t.netc_version = str("netc_version");
    t.stage = str("stage"), t.signature = str("signature"), t.note = str("note");
    t.round = int(num("round")), t.runs = int(num("runs"));
    t.compile_seconds = num("compile_seconds"), t.median_ms = num("median_ms"), t.spread_ms = num("spread_ms");
    if (!j.contains("ok") || !j["ok"].is_boolean()) fail(where, "", "ok", "expected true or false");
    t.ok = j["ok"].get<bool>();
    if (!j.contains("knobs") || !j["knobs"].is_object()) fail(where, "", "knobs", "expected an object");
    t.knobs = ojson::parse(j["knobs"].dump());
    if (!(t.median_ms >= 0) || !(t.spread_ms >= 0) || t.runs < 0 || t.round < 0) fail(where, "", "median_ms", "negative or not a number");
    return t;
}

void add_device(TrialLog &log, const DeviceFingerprint &d) {
    for (const auto &e : log.devices)
        if (e.id() == d.id()) return;
    log.devices.push_back(d);
}

}  // namespace

TrialLog read_trial_log(const std::string &path) {
    const std::string text = read_file(path, "tuning log");
    TrialLog log;
    size_t start = 0;
    for (int line_no = 1; start < text.size(); line_no++) {
        const size_t end = text.find('\n', start);
        if (end == std::string::npos) {  // a write cut short: its trial is measured again
            log.torn_tail = true;
            break;
        }
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        const std::string where = path + ":" + std::to_string(line_no);
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) fail(where, "", "", "not a tuning log line (a JSON object per line, as netc tune writes)");
        Trial t = trial_from_json(j, where);
        if (!j.contains("device_fingerprint")) fail(where, "", "device_fingerprint", "missing");
        const DeviceFingerprint d = device_fingerprint_from_json(j["device_fingerprint"], where);
        if (d.id() != t.device) fail(where, "", "device", "is not its device_fingerprint's id");
        add_device(log, d);
        log.trials.push_back(std::move(t));
    }
    return log;
}

TrialLog merge_trial_logs(const std::vector<TrialLog> &logs, bool allow_mixed_devices) {
    TrialLog out;
    std::map<std::string, Trial> by_content;  // the line's text: sorted, and duplicates once
    for (const TrialLog &l : logs) {
        for (const auto &d : l.devices) add_device(out, d);
        for (const Trial &t : l.trials) by_content.emplace(t.to_json().dump(), t);
    }
    if (out.devices.size() > 1 && !allow_mixed_devices)
        fail("", "", "--merge", "the logs hold trials from " + std::to_string(out.devices.size()) + " devices (" + out.devices[0].describe() +
                                    "; " + out.devices[1].describe() +
                                    "): their timings do not compare. Merge each device's logs apart, or give --allow-mixed-devices");
    // Devices in a fixed order too: by id.
    std::sort(out.devices.begin(), out.devices.end(), [](const DeviceFingerprint &a, const DeviceFingerprint &b) { return a.id() < b.id(); });
    for (auto &[text, t] : by_content) out.trials.push_back(t);
    return out;
}

}  // namespace netc
