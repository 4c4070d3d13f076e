// Targets (compiler/target/target.h): the facts schedules read, the toolchain and the
// executor each target gets, and the errors for names netc does not know.
#include <gtest/gtest.h>

#include "spec/diagnostic.h"
#include "target/target.h"

namespace netc {
namespace {

std::string error_of(const std::string &spec, const ExecutorChoice &how = {}) {
    try {
        resolve_target(spec, how);
    } catch (const CompileError &e) {
        return e.what();
    }
    return "";
}

bool host_is_x86() { return Halide::get_host_target().arch == Halide::Target::X86; }

TEST(Target, ArmFactsAreNeonsRegistersAndLanes) {
    const TargetInfo a64 = resolve_target("arm-64-linux");
    EXPECT_EQ(a64.vector_floats, 4);
    EXPECT_EQ(a64.vector_registers, 32);
    EXPECT_EQ(a64.halide.arch, Halide::Target::ARM);
    EXPECT_EQ(a64.halide.bits, 64);
    EXPECT_TRUE(a64.halide.has_feature(Halide::Target::NoRuntime));
    EXPECT_EQ(a64.arch, "aarch64");
    EXPECT_EQ(a64.toolchain.triple, "aarch64-linux-gnu");
    const TargetInfo a32 = resolve_target("arm-32-linux");
    EXPECT_EQ(a32.vector_floats, 4);
    EXPECT_EQ(a32.vector_registers, 16);
    EXPECT_EQ(a32.halide.bits, 32);
    EXPECT_EQ(a32.toolchain.triple, "arm-linux-gnueabihf");
    EXPECT_NE(a32.toolchain.cflags.find("-mfloat-abi=hard"), std::string::npos);
    EXPECT_NE(a32.toolchain.cflags.find("neon"), std::string::npos);
}

TEST(Target, ArmCodeIsCrossBuiltAndEmulatedOnX86AndNativeOnArm) {
    if (!host_is_x86()) {
        // netc on an ARM board: its own target runs in process, built with cc.
        const TargetInfo t = resolve_target("host");
        EXPECT_EQ(t.halide.arch, Halide::Target::ARM);
        EXPECT_EQ(t.executor.kind, Executor::Kind::InProcess);
        EXPECT_FALSE(t.toolchain.cross);
        return;
    }
    const TargetInfo t = resolve_target("arm-64-linux");
    EXPECT_TRUE(t.toolchain.cross);
    EXPECT_EQ(t.toolchain.cc, "aarch64-linux-gnu-gcc");
    EXPECT_EQ(t.toolchain.cc_package, "gcc-aarch64-linux-gnu");
    EXPECT_EQ(t.executor.kind, Executor::Kind::Emulator);
    EXPECT_EQ(t.executor.command, "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu cortex-a72");
    EXPECT_EQ(t.executor.package, "qemu-user");
    EXPECT_EQ(resolve_target("arm-32-linux").executor.command, "qemu-arm -L /usr/arm-linux-gnueabihf -cpu cortex-a15");
    // Cortex-A72 lacks the dot-product instructions: such code is emulated on a core that has them.
    EXPECT_EQ(resolve_target("arm-64-linux-arm_dot_prod").executor.command, "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu neoverse-n1");
    EXPECT_EQ(resolve_target("arm-64-linux", {"", "cortex-a53"}).executor.command, "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu cortex-a53");
}

TEST(Target, HostIsThisMachinesBestAndRunsInProcess) {
    const TargetInfo t = resolve_target("host");
    EXPECT_EQ(t.executor.kind, Executor::Kind::InProcess);
    EXPECT_FALSE(t.toolchain.cross);
    EXPECT_EQ(t.toolchain.cc, "cc");
    EXPECT_EQ(resolve_target(t.name).name, t.name);
}

TEST(Target, ARunnerReplacesTheDefaultExecutor) {
    const TargetInfo t = resolve_target("arm-64-linux", {"ssh_runner.sh pi@board", ""});
    EXPECT_EQ(t.executor.kind, Executor::Kind::Runner);
    EXPECT_EQ(t.executor.command, "ssh_runner.sh pi@board");
    EXPECT_EQ(resolve_target("host", {"./remote.sh", ""}).executor.kind, Executor::Kind::Runner);
}

TEST(Target, FeaturesBecomePartOfTheName) {
    const TargetInfo t = resolve_target("arm-64-linux-arm_dot_prod");
    EXPECT_EQ(t.name, "arm-64-linux-arm_dot_prod");
    EXPECT_TRUE(t.halide.has_feature(Halide::Target::ARMDotProd));
}

TEST(Target, UnknownNamesAndFeaturesListWhatIsSupported) {
    const std::string unknown = error_of("riscv-64-linux");
    EXPECT_NE(unknown.find("field '--target': unsupported target 'riscv-64-linux'"), std::string::npos) << unknown;
    for (const char *name : {"host", "x86-64-avx512", "x86-64-avx2", "x86-64-sse41", "arm-64-linux", "arm-32-linux"})
        EXPECT_NE(unknown.find(name), std::string::npos) << name << " missing from: " << unknown;
    const std::string feature = error_of("arm-64-linux-avx512");
    EXPECT_NE(feature.find("target 'arm-64-linux' has no optional feature 'avx512'"), std::string::npos) << feature;
    EXPECT_NE(feature.find("-arm_dot_prod"), std::string::npos) << feature;
    EXPECT_NE(error_of("arm-32-linux-arm_dot_prod").find("no optional feature"), std::string::npos);
    EXPECT_NE(error_of("arm-64-linux-").find("no optional feature ''"), std::string::npos);
    EXPECT_NE(error_of("arm-64").find("unsupported target"), std::string::npos);
}

TEST(Target, X86CodeRunsHereOnlyWhenThisCpuHasItsFeatures) {
    const TargetInfo t = resolve_target("x86-64-avx512");
    if (host_is_x86() && Halide::get_host_target().has_feature(Halide::Target::AVX512_Skylake)) {
        EXPECT_EQ(t.executor.kind, Executor::Kind::InProcess);
    } else {
        EXPECT_EQ(t.executor.kind, Executor::Kind::None);
        EXPECT_NE(t.executor.unavailable.find("--runner"), std::string::npos) << t.executor.unavailable;
    }
}

}  // namespace
}  // namespace netc
