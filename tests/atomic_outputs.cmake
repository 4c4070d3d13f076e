# cmake -DNETC=<netc> -DSRC=<source dir> -DWORK=<scratch dir> -DPHASE=<phase> -P atomic_outputs.cmake
#
# What `netc compile` leaves and what run/check accept (docs/reliability.md):
#   hash     a directory compiled from other weights or another spec is refused by run and check
#   damaged  a directory with a file missing or truncated, or without its metadata, is refused
#   killed   a compile killed (SIGKILL, at named points: NETC_TEST_KILL_AT) at any step leaves the
#            previous complete directory, which check still passes
#   killed_runtimes  the same while the shared runtimes are rebuilt (after truncating them): the
#            truncated ones are never trusted, a later compile rebuilds them
#   killed_first  a first compile killed leaves no directory, which check refuses cleanly
#   (each killed phase ends with a full compile that check passes and no temporaries left)
# Each phase compiles tiny_net (its spec copied to WORK, reading its weights from a file) into
# WORK/gen. Prints "atomic outputs <PHASE>: passed" at the end.

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(GEN ${WORK}/gen)
set(SPEC ${WORK}/tiny_net.json)

# netc(<expected: 0, 1 or KILLED> <output var> args...): runs netc, fails unless it ends as expected.
function(netc expect out_var)
  execute_process(COMMAND ${NETC} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(text "${out}${err}")
  if(expect STREQUAL "KILLED")
    # A signal is reported as text ("Killed"), an exit as a number.
    if(rc MATCHES "^[0-9]+$")
      message(FATAL_ERROR "netc ${ARGN}: exited with ${rc}, expected to be killed at ${KILL_AT}:\n${text}")
    endif()
  elseif(NOT "${rc}" STREQUAL "${expect}")
    message(FATAL_ERROR "netc ${ARGN}: exit code ${rc}, expected ${expect}:\n${text}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# require(<text> <regex> <what>)
function(require text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected /${regex}/ in:\n${text}")
  endif()
endfunction()

function(check_passes what)
  netc(0 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "prob .*: ok.*pool .*: ok" "${what}: check")
endfunction()

# The spec, reading its weights from WORK/tiny_net.safetensors (seed 11, as the spec's own).
netc(0 out weights ${SRC}/tests/models/tiny_net.json -o ${WORK}/tiny_net.safetensors --seed 11)
file(READ ${SRC}/tests/models/tiny_net.json spec)
string(REPLACE "\"init\": \"random\", \"seed\": 11" "\"file\": \"tiny_net.safetensors\"" spec "${spec}")
file(WRITE ${SPEC} "${spec}")
netc(0 out compile ${SPEC} --generated-dir ${GEN} --quiet)
check_passes("first compile")
file(GLOB dirs LIST_DIRECTORIES true ${GEN}/tiny_net/x86-64-*)
list(LENGTH dirs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one compiled directory under ${GEN}/tiny_net, found: ${dirs}")
endif()
set(DIR ${dirs})
get_filename_component(TARGET_NAME ${DIR} NAME)
set(RUNTIME ${GEN}/runtime/${TARGET_NAME})
# A raw float32 input of tiny_net's 17x15x3 (any bytes are floats): what run takes.
string(REPEAT "A" 3060 bytes)
set(INPUT ${WORK}/input.f32)
file(WRITE ${INPUT} "${bytes}")
netc(0 out run ${SPEC} --input ${INPUT} --generated-dir ${GEN} -o ${WORK}/out)
set(RECOMPILE "recompile with .netc compile [^ ]*tiny_net.json --target ${TARGET_NAME} --generated-dir ")

if(PHASE STREQUAL "hash")
  # Other weights in the same file: run and check refuse, naming the directory.
  netc(0 out weights ${SRC}/tests/models/tiny_net.json -o ${WORK}/tiny_net.safetensors --seed 12)
  set(refusal "tiny_net/${TARGET_NAME}: compiled from another spec or weights \\(hash [0-9a-f]+ != [0-9a-f]+ of [^)]*tiny_net.json\\). ${RECOMPILE}")
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "${refusal}" "check after new weights")
  netc(1 out run ${SPEC} --input ${INPUT} --generated-dir ${GEN} -o ${WORK}/out)
  require("${out}" "${refusal}" "run after new weights")
  # The same weights again: accepted.
  netc(0 out weights ${SRC}/tests/models/tiny_net.json -o ${WORK}/tiny_net.safetensors --seed 11)
  check_passes("weights restored")
  # Another spec (one more output), same weights: refused.
  string(REPLACE "\"outputs\": [\"prob\", \"pool\"]" "\"outputs\": [\"prob\", \"pool\", \"gap\"]" spec2 "${spec}")
  file(WRITE ${SPEC} "${spec2}")
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "${refusal}" "check after a spec edit")
  file(WRITE ${SPEC} "${spec}")
  check_passes("spec restored")

elseif(PHASE STREQUAL "damaged")
  file(COPY ${DIR}/ DESTINATION ${WORK}/good)
  # A truncated library.
  file(SIZE ${DIR}/libtiny_net.so full)
  execute_process(COMMAND truncate -s 1000 ${DIR}/libtiny_net.so RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "truncate failed")
  endif()
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "tiny_net/${TARGET_NAME}: incomplete or damaged: libtiny_net.so has 1000 bytes, not the ${full} it was written with. ${RECOMPILE}" "truncated .so")
  netc(1 out run ${SPEC} --input ${INPUT} --generated-dir ${GEN} -o ${WORK}/out)
  require("${out}" "libtiny_net.so has 1000 bytes" "run of a truncated .so")
  # A missing static library (what an app links): refused too.
  # (cmake -E copy: file(COPY) skips a file whose timestamp looks unchanged)
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy ${WORK}/good/libtiny_net.so ${DIR}/)
  check_passes("restored .so")
  file(REMOVE ${DIR}/libtiny_net.a)
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "tiny_net/${TARGET_NAME}: incomplete or damaged: libtiny_net.a is missing. ${RECOMPILE}" "missing .a")
  # No metadata: incomplete.
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy ${WORK}/good/libtiny_net.a ${DIR}/)
  file(REMOVE ${DIR}/tiny_net.json)
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "tiny_net/${TARGET_NAME}: incomplete: no tiny_net.json, the metadata netc compile writes last. ${RECOMPILE}" "no metadata")
  # Metadata of an older netc (no file list, no hash): refused, not trusted.
  file(READ ${WORK}/good/tiny_net.json meta)
  string(REGEX REPLACE "\"content_hash\": \"[0-9a-f]+\"," "" meta "${meta}")
  file(WRITE ${DIR}/tiny_net.json "${meta}")
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "its metadata has no file list or content hash \\(compiled by an older netc\\?\\). ${RECOMPILE}" "old metadata")
  # A recompile repairs it.
  netc(0 out compile ${SPEC} --generated-dir ${GEN} --quiet)
  check_passes("recompiled")

elseif(PHASE STREQUAL "killed")
  # Killed at every step of a compile over a complete previous one: the previous one stays
  # (check passes on it) and the kill really happened mid-way (its staging directory is left,
  # until the next compile removes it). "exchanged" and "installed": the new one is in place.
  foreach(step staging object library runtimes shared_object runner header metadata exchanged installed)
    file(READ ${DIR}/tiny_net.json before)
    set(KILL_AT ${step})
    set(ENV{NETC_TEST_KILL_AT} ${step})
    netc(KILLED out compile ${SPEC} --generated-dir ${GEN} --quiet)
    unset(ENV{NETC_TEST_KILL_AT})
    file(GLOB left LIST_DIRECTORIES true ${GEN}/tiny_net/.${TARGET_NAME}.tmp-*)
    if(NOT step STREQUAL "installed" AND NOT left)
      message(FATAL_ERROR "killed at ${step}: no staging directory left behind (was it killed where it should be?)")
    endif()
    if(NOT step MATCHES "exchanged|installed")
      file(READ ${DIR}/tiny_net.json after)
      if(NOT after STREQUAL before)
        message(FATAL_ERROR "killed at ${step}, before the new directory was put in place, yet the metadata changed")
      endif()
    endif()
    check_passes("killed at ${step}")
    message("killed at ${step}: the previous or the new complete library, check passes")
  endforeach()

elseif(PHASE STREQUAL "killed_runtimes")
  # The shared runtimes: truncated ones are rebuilt; a build killed before its rename or
  # before its stamp leaves nothing a later compile trusts.
  foreach(rt Halide netc)
    string(TOLOWER ${rt} lib)
    set(LIB ${RUNTIME}/lib${lib}_runtime.a)
    # Truncated, then a rebuild killed before its rename: the truncated one is not trusted
    # (the rebuild started), and the previous model directory is untouched.
    execute_process(COMMAND truncate -s 100 ${LIB})
    set(steps ${lib}_runtime)
    if(rt STREQUAL "Halide")
      list(APPEND steps ${lib}_runtime_stamp)  # the netc runtime's stamp is written the same way
    endif()
    foreach(step ${steps})
      if(step MATCHES "stamp")
        file(REMOVE ${RUNTIME}/lib${lib}_runtime.key)  # as on a first build
      endif()
      set(KILL_AT ${step})
      set(ENV{NETC_TEST_KILL_AT} ${step})
      netc(KILLED out compile ${SPEC} --generated-dir ${GEN})
      unset(ENV{NETC_TEST_KILL_AT})
      require("${out}" "building the ${rt} runtime for ${TARGET_NAME}" "the ${rt} runtime, truncated or without its stamp, rebuilt")
      check_passes("killed at ${step}")
      message("killed at ${step}: the previous library, check passes")
    endforeach()
    # Killed between the library's rename and its stamp: the library is whole, but without a
    # stamp it is built again.
    netc(0 out compile ${SPEC} --generated-dir ${GEN})
    require("${out}" "building the ${rt} runtime for ${TARGET_NAME}" "a ${rt} runtime killed before its stamp is rebuilt")
    check_passes("${rt} runtime rebuilt")
    file(SIZE ${LIB} size)
    if(size LESS 10000)
      message(FATAL_ERROR "${LIB} is still truncated (${size} bytes)")
    endif()
  endforeach()

elseif(PHASE STREQUAL "killed_first")
  # No previous library: a kill leaves none, and check refuses cleanly (exit 1, not a crash).
  file(REMOVE_RECURSE ${DIR})
  set(KILL_AT metadata)
  set(ENV{NETC_TEST_KILL_AT} metadata)
  netc(KILLED out compile ${SPEC} --generated-dir ${GEN} --quiet)
  unset(ENV{NETC_TEST_KILL_AT})
  netc(1 out check ${SPEC} --generated-dir ${GEN})
  require("${out}" "tiny_net/${TARGET_NAME}: no model compiled for ${TARGET_NAME} here" "killed first compile")
  message("killed the first compile: no library, check refuses")
else()
  message(FATAL_ERROR "PHASE must be hash, damaged, killed, killed_runtimes or killed_first")
endif()

if(PHASE MATCHES "^killed")
  # Finally a whole compile: in place, checked, and nothing left of the killed ones.
  netc(0 out compile ${SPEC} --generated-dir ${GEN} --quiet)
  check_passes("final compile")
  file(GLOB left LIST_DIRECTORIES true ${GEN}/tiny_net/.*tmp-* ${GEN}/tiny_net/*tmp-* ${RUNTIME}/*tmp-* ${RUNTIME}/.*tmp-*)
  if(left)
    message(FATAL_ERROR "temporaries of killed compiles left behind: ${left}")
  endif()
endif()
message("atomic outputs ${PHASE}: passed")
