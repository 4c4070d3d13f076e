// `netc tune`'s log: every trial, one JSON object per line, appended and flushed to disk as
// it is measured, so that `kill -9` at any moment loses at most the trial in flight and `netc
// tune --resume` (or --merge, for logs written on several machines) starts from what was
// measured. A trial is one stage's knobs compiled into the whole model and timed there.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tune/device_fingerprint.h"

namespace netc {

struct Trial {
    std::string model_fingerprint;  // the graph tuned (schedule/model_fingerprint.h)
    std::string target;             // the netc target the code was compiled for
    std::string device;             // DeviceFingerprint::id() of where it ran
    std::string netc_version;
    int round = 0;                  // the search round that measured it (one compile of the model)
    std::string stage;              // the stage's name (its output layer)
    std::string signature;          // its shape signature: stages that share one share measurements
    nlohmann::ordered_json knobs;   // the stage's knob values (and the fusion choices of the round)
    double compile_seconds = 0;     // the round's compile
    int runs = 0;
    double median_ms = 0, spread_ms = 0;  // median and interquartile range of the runs
    bool ok = true;                 // false: the round miscomputed (checked against the reference): never chosen
    std::string note;               // why not ok, or what else happened

    nlohmann::ordered_json to_json() const;
};

// The trial as a line of a log written on `device` (whose full fingerprint goes in each line, so
// that one line says everything about its measurement). Appends, flushes, fsyncs.
void append_trial(const std::string &log, const Trial &t, const DeviceFingerprint &device);

struct TrialLog {
    std::vector<Trial> trials;
    std::vector<DeviceFingerprint> devices;  // each distinct device, in order of first appearance
    bool torn_tail = false;                  // the last line was cut short (a kill mid-write): dropped
};

// Reads a log. A last line without its newline (a write cut short) is dropped and said so;
// anything else that is not a trial is a CompileError naming the file and the line.
TrialLog read_trial_log(const std::string &path);

// The trials of several logs, deterministically: sorted by their content, whatever the order
// of the files or of the lines in them, duplicates (the same line in two logs) kept once.
// Refuses (a CompileError naming both devices) to mix devices unless `allow_mixed_devices`.
TrialLog merge_trial_logs(const std::vector<TrialLog> &logs, bool allow_mixed_devices);

}  // namespace netc
