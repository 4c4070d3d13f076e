// What a measurement was taken on. Timings from different devices must not be mixed (`netc
// tune --merge` refuses to), and a tuned schedule says which device it was tuned for, so that
// `netc compile` can warn when it is used for another. Two machines with the same CPU model,
// features, caches and thread count are the same device here: that is what decides speed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace netc {

struct DeviceFingerprint {
    std::string cpu;                    // the CPU's model name
    std::vector<std::string> features;  // the ISA features code generation uses, sorted
    std::vector<int64_t> caches;        // data and unified cache sizes of one core, bytes, by level (L1d, L2, L3)
    int threads = 1;                    // worker threads the timings ran on; 0: the device alone

    // "fnv1a64:<16 hex digits>" of everything above: equal ids, comparable timings.
    std::string id() const;
    nlohmann::ordered_json to_json() const;  // the fields and the id
    std::string describe() const;            // "AMD EPYC 7B13 (avx2 fma ...), L2 512 KiB, 2 threads"
};

// From the text of /proc/cpuinfo and the cache sizes (pure, for tests and for a device's
// cpuinfo that a runner sent back).
DeviceFingerprint parse_device_fingerprint(const std::string &cpuinfo, const std::vector<int64_t> &caches, int threads);

// This machine, running `threads` threads (/proc/cpuinfo, /sys/devices/system/cpu/cpu0/cache).
DeviceFingerprint this_device(int threads);

// A fingerprint as to_json wrote it; a CompileError naming `where` if it is not one.
DeviceFingerprint device_fingerprint_from_json(const nlohmann::json &j, const std::string &where);

}  // namespace netc
