# ARM targets, cross-compiled and run under qemu-user (docs/targets.md): the fast part. The
# full sweep (all seven networks on both targets) is tools/arm_sweep.sh, `make arm_sweep`.
# Included from tests/CMakeLists.txt, after cli_tests.cmake (NETC, SRC, add_error_test).
set(ARM_GEN ${CMAKE_BINARY_DIR}/generated_arm)
set(QEMU_AARCH64 "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu cortex-a72")

# MobileNetV1 and V3-Small on both targets, against the reference interpreter on this machine.
foreach(target arm-64-linux arm-32-linux)
  foreach(model mobilenet_v1 mobilenet_v3_small)
    set(name arm_check_${model}_${target})
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/${model}.json -DWORK=${ARM_GEN} -DTARGET=${target}
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP ${model}_${target}
                         PASS_REGULAR_EXPRESSION "compiled ${model} for ${target}.*running ${target} code emulated: qemu-.*: ok"
                         FAIL_REGULAR_EXPRESSION "FAIL|failed")
  endforeach()
endforeach()

# The C API channels-first with a batch of 2 under qemu: the runner program transposes the
# HWC items netc gives it and the runtime runs both (decoder_net: small, with image outputs to transpose).
add_test(NAME arm_check_decoder_net_nchw_batch
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/tests/models/decoder_net.json -DWORK=${CMAKE_BINARY_DIR}/generated_arm_nchw
                 -DTARGET=arm-64-linux "-DCOMPILE_ARGS=--layout\;nchw\;--batch\;2" -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
set_tests_properties(arm_check_decoder_net_nchw_batch PROPERTIES PASS_REGULAR_EXPRESSION "running arm-64-linux code emulated: qemu-.*a batch of 2 different items.*: ok"
                     FAIL_REGULAR_EXPRESSION "FAIL|failed")

# The runner path: a runner script that copies the working directory away and back, as one
# over ssh would, wrapping qemu; netc check and netc run through it.
set(RUNNER "${CMAKE_CURRENT_SOURCE_DIR}/runners/copying_qemu_runner.sh ${QEMU_AARCH64}")
add_test(NAME arm_runner_check_mobilenet_v1
         COMMAND ${NETC} check ${SRC}/models/mobilenet_v1.json --target arm-64-linux --generated-dir ${ARM_GEN} --runner ${RUNNER})
set_tests_properties(arm_runner_check_mobilenet_v1 PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux
                     PASS_REGULAR_EXPRESSION "running arm-64-linux code runner: .*copying_qemu_runner.sh.*prob .*: ok")
add_test(NAME arm_runner_run_mobilenet_v1
         COMMAND ${NETC} run ${SRC}/models/mobilenet_v1.json --target arm-64-linux --generated-dir ${ARM_GEN} --runner ${RUNNER}
                 --input ${SRC}/models/images/ball_224.ppm -o ${CMAKE_CURRENT_BINARY_DIR}/arm_runner_run)
set_tests_properties(arm_runner_run_mobilenet_v1 PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux
                     PASS_REGULAR_EXPRESSION "prob: \\[1000\\], min .*max .* at [0-9]+ -> ")
# bench under the emulator says so on every figure.
add_test(NAME arm_bench_says_emulated
         COMMAND ${NETC} bench ${SRC}/models/mobilenet_v3_small.json --target arm-32-linux --generated-dir ${ARM_GEN} --runs 30 --warmup 1 --stages 3)
set_tests_properties(arm_bench_says_emulated PROPERTIES FIXTURES_REQUIRED mobilenet_v3_small_arm-32-linux
                     PASS_REGULAR_EXPRESSION "EMULATED: arm-32-linux code runs emulated: qemu-arm.*EMULATED latency: median .*EMULATED stages, slowest first")

# The example app cross-built with the link line netc compile prints (V3-Small: the app times
# 30 runs, and under qemu V1 takes 1.4 s a run), run under qemu.
set(V1_ARM ${ARM_GEN}/mobilenet_v1/arm-64-linux)
set(V3S_ARM ${ARM_GEN}/mobilenet_v3_small/arm-64-linux)
add_test(NAME arm_example_classify_cross_built
         COMMAND sh -c "aarch64-linux-gnu-gcc -O2 -std=c11 -DNETC_MODEL=mobilenet_v3_small examples/classify/classify.c examples/common/support.c -I examples/common -I ${V3S_ARM} ${V3S_ARM}/libmobilenet_v3_small.a ${V3S_ARM}/libnetc_runtime.a ${V3S_ARM}/libhalide_runtime.a -lpthread -ldl -lm -o ${CMAKE_CURRENT_BINARY_DIR}/classify_arm64 && ${QEMU_AARCH64} ${CMAKE_CURRENT_BINARY_DIR}/classify_arm64 --runs 30 models/images/ball_224.ppm"
         WORKING_DIRECTORY ${SRC})
set_tests_properties(arm_example_classify_cross_built PROPERTIES FIXTURES_REQUIRED mobilenet_v3_small_arm-64-linux
                     PASS_REGULAR_EXPRESSION "model mobilenet_v3_small .*1000 classes.*top-5.*latency")

# Errors.
add_error_test(arm_error_unknown_target 1 "field '--target': unsupported target 'riscv-64-linux'. supported: host, x86-64-avx512, .*arm-64-linux .*arm-32-linux"
               compile ${SRC}/tests/models/tiny_net.json --target riscv-64-linux --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(arm_error_unknown_feature 1 "field '--target': target 'arm-64-linux' has no optional feature 'avx2'. supported: .*-arm_dot_prod"
               compile ${SRC}/tests/models/tiny_net.json --target arm-64-linux-avx2 --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
# A machine without the cross compiler or qemu: an empty PATH stands in for one.
add_test(NAME arm_error_no_cross_compiler
         COMMAND ${CMAKE_COMMAND} -DEXPECT=1 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake --
                 ${CMAKE_COMMAND} -E env PATH=/nonexistent ${NETC} compile ${SRC}/tests/models/tiny_net.json --target arm-64-linux
                 --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
set_tests_properties(arm_error_no_cross_compiler PROPERTIES PASS_REGULAR_EXPRESSION
                     "needs the C compiler aarch64-linux-gnu-gcc, which is not installed \\(Debian: apt-get install gcc-aarch64-linux-gnu\\).*exit code 1 as expected")
add_test(NAME arm_error_no_qemu
         COMMAND ${CMAKE_COMMAND} -DEXPECT=1 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake --
                 ${CMAKE_COMMAND} -E env PATH=/nonexistent ${NETC} check ${SRC}/models/mobilenet_v1.json --target arm-64-linux --generated-dir ${ARM_GEN})
set_tests_properties(arm_error_no_qemu PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux PASS_REGULAR_EXPRESSION
                     "needs qemu-aarch64, which is not installed \\(Debian: apt-get install qemu-user\\).*exit code 1 as expected")
add_error_test(arm_error_runner_fails 1 "the runner failed \\(runner: .*exit code 7\\).*no route to the board"
               check ${SRC}/models/mobilenet_v1.json --target arm-64-linux --generated-dir ${ARM_GEN} --runner "sh -c 'echo no route to the board >&2 && exit 7' runner")
set_tests_properties(arm_error_runner_fails PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux)
add_error_test(arm_error_tune_emulated 1 "field '--target': netc tune times the code it tunes.*emulated"
               tune ${SRC}/tests/models/tiny_net.json --target arm-64-linux)
# A library compiled for one target, given to another's run: refused by name.
add_test(NAME arm_error_wrong_target_library
         COMMAND sh -c "rm -rf ${CMAKE_CURRENT_BINARY_DIR}/wrong_target && mkdir -p ${CMAKE_CURRENT_BINARY_DIR}/wrong_target/mobilenet_v1 && cp -R ${V1_ARM} ${CMAKE_CURRENT_BINARY_DIR}/wrong_target/mobilenet_v1/arm-32-linux && ${NETC} check ${SRC}/models/mobilenet_v1.json --target arm-32-linux --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/wrong_target; echo exit code $?")
set_tests_properties(arm_error_wrong_target_library PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux
                     PASS_REGULAR_EXPRESSION "mobilenet_v1.json: field 'target': this library was compiled for arm-64-linux, not arm-32-linux. recompile with .*exit code 1")

# netc estimate on the shipped ARM code: per stage, the loop and llvm-mca's cycles; totals per
# core. (The loop finding and counting are tested against hand-written disassembly in
# test_compiler_hot_loops.cpp.)
add_test(NAME arm_estimate_mobilenet_v1
         COMMAND ${NETC} estimate ${SRC}/models/mobilenet_v1.json --target arm-64-linux --generated-dir ${ARM_GEN} --stages 30)
set_tests_properties(arm_estimate_mobilenet_v1 PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux
                     PASS_REGULAR_EXPRESSION "ESTIMATE \\(static, not measured\\).*block13_pw +conv2d\\+relu6 +51\\.4M \\| +[0-9]+ +14 +56 .*ESTIMATE cortex-a72 at 1\\.80 GHz \\(llvm-mca model A57.*ms per inference on 1 thread.*ESTIMATE neoverse-n1 at 2\\.50 GHz")
add_test(NAME arm_estimate_mobilenet_v3_small_arm32
         COMMAND ${NETC} estimate ${SRC}/models/mobilenet_v3_small.json --target arm-32-linux --generated-dir ${ARM_GEN} --stages 3)
set_tests_properties(arm_estimate_mobilenet_v3_small_arm32 PROPERTIES FIXTURES_REQUIRED mobilenet_v3_small_arm-32-linux
                     PASS_REGULAR_EXPRESSION "ESTIMATE cortex-a72 at 1\\.80 GHz .*56\\.5M MACs.*multiplies and adds with separate instructions")
add_error_test(arm_error_estimate_x86 1 "field '--target': netc estimate reads ARM code.*measure it with netc bench"
               estimate ${SRC}/tests/models/tiny_net.json --target x86-64-avx2)
add_error_test(arm_error_estimate_bad_cpu 2 "--cpu takes CPU@GHZ"
               estimate ${SRC}/tests/models/tiny_net.json --target arm-64-linux --cpu cortex-a72)
add_test(NAME arm_error_estimate_wrong_target_library
         COMMAND sh -c "rm -rf ${CMAKE_CURRENT_BINARY_DIR}/wrong_target_estimate && mkdir -p ${CMAKE_CURRENT_BINARY_DIR}/wrong_target_estimate/mobilenet_v1 && cp -R ${V1_ARM} ${CMAKE_CURRENT_BINARY_DIR}/wrong_target_estimate/mobilenet_v1/arm-32-linux && ${NETC} estimate ${SRC}/models/mobilenet_v1.json --target arm-32-linux --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/wrong_target_estimate; echo exit code $?")
set_tests_properties(arm_error_estimate_wrong_target_library PROPERTIES FIXTURES_REQUIRED mobilenet_v1_arm-64-linux
                     PASS_REGULAR_EXPRESSION "mobilenet_v1.json: field 'target': this library was compiled for arm-64-linux, not arm-32-linux.*exit code 1")
