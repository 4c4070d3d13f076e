# Fuzz targets: one per loader of untrusted bytes (docs/reliability.md). Each harness is built
# twice over:
#   fuzz_<t>_inputs  the harness with a plain driver (run_inputs.cpp), in every build: runs
#                    the seeds and every crash input kept under regressions/<t>/ once;
#   fuzz_<t>         the harness under libFuzzer, only in the sanitizer build with clang
#                    (CMakePresets.json "sanitize"): a short run in the test command, long
#                    runs by `tools/fuzz.sh TARGET SECONDS`.
set(NETC_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(NETC_FUZZ_TARGETS spec onnx safetensors npy image tfjs)
# Seeds: the repo's own files of each kind, good and bad (seeds.txt, shared with tools/fuzz.sh).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${NETC_FUZZ_DIR}/seeds.txt)
file(STRINGS ${NETC_FUZZ_DIR}/seeds.txt seed_lines REGEX "^[a-z]")
foreach(line ${seed_lines})
  string(REGEX MATCH "^([a-z]+) (.+)$" _ "${line}")
  # Debian's files (absolute paths) seed the fuzzer only: onnx_node_tests runs them already.
  if(NOT IS_ABSOLUTE "${CMAKE_MATCH_2}")
    list(APPEND NETC_FUZZ_SEEDS_${CMAKE_MATCH_1} ${PROJECT_SOURCE_DIR}/${CMAKE_MATCH_2})
  endif()
endforeach()

foreach(t ${NETC_FUZZ_TARGETS})
  add_executable(fuzz_${t}_inputs ${NETC_FUZZ_DIR}/fuzz_${t}.cpp ${NETC_FUZZ_DIR}/run_inputs.cpp)
  target_link_libraries(fuzz_${t}_inputs PRIVATE netc_compiler)
  set(kept)
  if(IS_DIRECTORY ${NETC_FUZZ_DIR}/regressions/${t})
    set(kept ${NETC_FUZZ_DIR}/regressions/${t})
  endif()
  add_test(NAME fuzz_${t}_regressions COMMAND fuzz_${t}_inputs ${kept} ${NETC_FUZZ_SEEDS_${t}})
  set_tests_properties(fuzz_${t}_regressions PROPERTIES PASS_REGULAR_EXPRESSION "inputs, none crashed")

  if(NETC_FUZZ)
    add_executable(fuzz_${t} ${NETC_FUZZ_DIR}/fuzz_${t}.cpp)
    target_link_libraries(fuzz_${t} PRIVATE netc_compiler)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    # A short run from the seeds, new inputs into a scratch corpus; a crash fails the test
    # and its input is left in the scratch directory (crash-*), to be kept under regressions/.
    # Repeatable (a fixed seed, the seeds alone, a fixed number of executions): what fails in
    # CI fails here; finding new crashes is the long runs' job (tools/fuzz.sh TARGET 3600).
    set(work ${CMAKE_CURRENT_BINARY_DIR}/fuzz_short/${t})
    add_test(NAME fuzz_${t}_short
             COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                     ${PROJECT_SOURCE_DIR}/tools/fuzz.sh --binary $<TARGET_FILE:fuzz_${t}> --work ${work} --seed 1 --runs ${NETC_FUZZ_SHORT_RUNS} --fresh
                     ${t} ${NETC_FUZZ_SHORT_SECONDS})
    set_tests_properties(fuzz_${t}_short PROPERTIES PASS_REGULAR_EXPRESSION "0 crashes" FAIL_REGULAR_EXPRESSION "[1-9][0-9]* crash")
  endif()
endforeach()
