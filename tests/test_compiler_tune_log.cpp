// What `netc tune` records of its measurements: the device they were taken on
// (tune/device_fingerprint.h) and the trial log (tune/trial_log.h): appended line by line,
// a line cut short by a kill dropped, several logs merged into one order whatever the order
// of the files, devices never mixed unless asked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "spec/diagnostic.h"
#include "tune/device_fingerprint.h"
#include "tune/trial_log.h"

namespace netc {
namespace {

const char *kZen3 =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_1 avx avx2 fma f16c bmi2 "
    "microcode_noise\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_1 avx avx2 fma f16c\n";
const char *kCortexA72 = "processor\t: 0\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n";

std::string temp_path(const std::string &name) {
    const auto dir = std::filesystem::temp_directory_path() / ("netc_tune_log_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto p = dir / name;
    std::filesystem::remove(p);
    return p.string();
}

Trial trial(const std::string &stage, int round, double ms) {
    Trial t;
    t.model_fingerprint = "fnv1a64:0123456789abcdef", t.target = "x86-64-avx2", t.netc_version = "test";
    t.round = round, t.stage = stage, t.signature = "conv 14x14x96", t.knobs = {{"conv_vectors_per_block", 2}, {"conv_tile_pixels", 7}};
    t.compile_seconds = 9.5, t.runs = 30, t.median_ms = ms, t.spread_ms = 0.01;
    return t;
}

TEST(DeviceFingerprint, ReadsTheModelTheRelevantFeaturesAndCaches) {
    const DeviceFingerprint d = parse_device_fingerprint(kZen3, {32768, 524288, 33554432}, 2);
    EXPECT_EQ(d.cpu, "AMD EPYC 7B13");
    EXPECT_EQ(d.features, (std::vector<std::string>{"avx", "avx2", "f16c", "fma", "sse4_1"}));  // not microcode_noise, not fpu
    EXPECT_EQ(d.describe(), "AMD EPYC 7B13 (avx avx2 f16c fma sse4_1), L2 512 KiB, 2 threads");
    const DeviceFingerprint arm = parse_device_fingerprint(kCortexA72, {32768, 1048576}, 4);
    EXPECT_EQ(arm.cpu, "ARM implementer 0x41 part 0xd08");
    EXPECT_EQ(arm.features, (std::vector<std::string>{"asimd"}));
}

TEST(DeviceFingerprint, TheIdChangesWithWhatDecidesSpeed) {
    const DeviceFingerprint a = parse_device_fingerprint(kZen3, {32768, 524288}, 2);
    EXPECT_EQ(a.id(), parse_device_fingerprint(kZen3, {32768, 524288}, 2).id());
    EXPECT_NE(a.id(), parse_device_fingerprint(kZen3, {32768, 1048576}, 2).id());  // another L2
    EXPECT_NE(a.id(), parse_device_fingerprint(kZen3, {32768, 524288}, 1).id());   // other threads
    EXPECT_EQ(a.id().rfind("fnv1a64:", 0), 0u);
    // Through JSON and back; a forged id is refused.
    EXPECT_EQ(device_fingerprint_from_json(nlohmann::json::parse(a.to_json().dump()), "x").id(), a.id());
    nlohmann::json forged = nlohmann::json::parse(a.to_json().dump());
    forged["threads"] = 64;
    EXPECT_THROW(device_fingerprint_from_json(forged, "x"), CompileError);
}

TEST(DeviceFingerprint, ThisMachineHasACpuAndCaches) {
    const DeviceFingerprint d = this_device(2);
    EXPECT_FALSE(d.cpu.empty());
    EXPECT_FALSE(d.caches.empty());
    EXPECT_EQ(d.threads, 2);
}

TEST(TrialLog, AppendsAndReadsBack) {
    const std::string log = temp_path("a.jsonl");
    const DeviceFingerprint d = parse_device_fingerprint(kZen3, {32768, 524288}, 2);
    append_trial(log, trial("block_1", 0, 0.5), d);
    Trial bad = trial("block_2", 0, 0.7);
    bad.ok = false, bad.note = "miscomputed: max relative difference 0.3";
    append_trial(log, bad, d);
    const TrialLog read = read_trial_log(log);
    ASSERT_EQ(read.trials.size(), 2u);
    EXPECT_FALSE(read.torn_tail);
    EXPECT_EQ(read.trials[0].stage, "block_1");
    EXPECT_EQ(read.trials[0].device, d.id());
    EXPECT_EQ(read.trials[0].knobs["conv_tile_pixels"], 7);
    EXPECT_FALSE(read.trials[1].ok);
    ASSERT_EQ(read.devices.size(), 1u);
    EXPECT_EQ(read.devices[0].describe(), d.describe());
}

TEST(TrialLog, ALineCutShortByAKillIsDroppedAndOnlyThat) {
    const std::string log = temp_path("torn.jsonl");
    const DeviceFingerprint d = parse_device_fingerprint(kZen3, {32768}, 1);
    append_trial(log, trial("block_1", 0, 0.5), d);
    append_trial(log, trial("block_2", 0, 0.6), d);
    // What a kill in the middle of a write leaves: part of the last line, no newline.
    std::string text;
    {
        std::ifstream f(log);
        text.assign(std::istreambuf_iterator<char>(f), {});
    }
    std::ofstream(log, std::ios::trunc) << text.substr(0, text.size() - 20);
    const TrialLog read = read_trial_log(log);
    EXPECT_TRUE(read.torn_tail);
    ASSERT_EQ(read.trials.size(), 1u);
    EXPECT_EQ(read.trials[0].stage, "block_1");
    // A broken line in the middle is no kill: an error naming the file and the line.
    std::ofstream(log, std::ios::trunc) << text.substr(0, text.find('\n') + 1) << "{\"stage\": 3}\n" << text.substr(text.find('\n') + 1);
    try {
        read_trial_log(log);
        FAIL() << "a malformed line was accepted";
    } catch (const CompileError &e) {
        EXPECT_NE(e.diag.file.find("torn.jsonl:2"), std::string::npos) << e.diag.file;
    }
}

TEST(TrialLog, MergeGivesOneOrderWhateverTheOrderOfTheLogs) {
    const DeviceFingerprint d = parse_device_fingerprint(kZen3, {32768, 524288}, 2);
    const std::string a = temp_path("job1.jsonl"), b = temp_path("job2.jsonl");
    append_trial(a, trial("block_3", 1, 0.9), d);
    append_trial(a, trial("block_1", 0, 0.5), d);
    append_trial(b, trial("block_2", 0, 0.7), d);
    append_trial(b, trial("block_1", 0, 0.5), d);  // the same trial in both: kept once
    const TrialLog ab = merge_trial_logs({read_trial_log(a), read_trial_log(b)}, false);
    const TrialLog ba = merge_trial_logs({read_trial_log(b), read_trial_log(a)}, false);
    ASSERT_EQ(ab.trials.size(), 3u);
    ASSERT_EQ(ba.trials.size(), 3u);
    for (size_t i = 0; i < 3; i++) EXPECT_EQ(ab.trials[i].to_json().dump(), ba.trials[i].to_json().dump());
}

TEST(TrialLog, MergeRefusesToMixDevicesUnlessTold) {
    const std::string a = temp_path("zen3.jsonl"), b = temp_path("a72.jsonl");
    append_trial(a, trial("block_1", 0, 0.5), parse_device_fingerprint(kZen3, {32768, 524288}, 2));
    append_trial(b, trial("block_1", 0, 3.5), parse_device_fingerprint(kCortexA72, {32768, 1048576}, 4));
    try {
        merge_trial_logs({read_trial_log(a), read_trial_log(b)}, false);
        FAIL() << "two devices' trials were merged";
    } catch (const CompileError &e) {
        EXPECT_NE(e.diag.message.find("2 devices"), std::string::npos) << e.diag.message;
        EXPECT_NE(e.diag.message.find("AMD EPYC 7B13"), std::string::npos) << e.diag.message;
    }
    EXPECT_EQ(merge_trial_logs({read_trial_log(a), read_trial_log(b)}, true).trials.size(), 2u);
}

}  // namespace
}  // namespace netc
