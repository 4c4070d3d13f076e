# cmake -DNETC=<netc> -DSRC=<source dir> -DWORK=<dir> -P schedule_by_fingerprint.cmake
# A tuned schedule belongs to a model by its fingerprint, never by its file name (issue: a
# user's own mobilenet_v2.onnx picked up the bundled model's tuned file and failed):
# 1. the bundled MobileNetV2 as ONNX, file named mobilenet_v2.onnx, is another graph (ONNX
#    names, unfolded BatchNorm): it gets the target's schedule and a one-line notice, no error;
# 2. the same spec under another name and file name finds its tuned file.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
function(netc_ok)
  execute_process(COMMAND ${NETC} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("netc ${ARGN}: exit ${rc}\n${out}${err}")
  if(rc)
    message(FATAL_ERROR "netc ${ARGN} failed")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

set(target --target x86-64-avx512)
netc_ok(export ${SRC}/models/mobilenet_v2.json -o ${WORK}/mobilenet_v2.onnx)
netc_ok(summary ${WORK}/mobilenet_v2.onnx --stages ${target})
if(NOT err MATCHES "x86-64-avx512/mobilenet_v2.json was tuned for another model")
  message(FATAL_ERROR "no notice that the tuned file was passed over")
endif()
if(NOT out MATCHES "schedules/x86-64-avx512.json")
  message(FATAL_ERROR "the ONNX export did not get the target's schedule")
endif()

file(READ ${SRC}/models/mobilenet_v2.json spec)
string(REPLACE "\"name\": \"mobilenet_v2\"" "\"name\": \"my_classifier\"" spec "${spec}")
file(WRITE ${WORK}/renamed.json "${spec}")
netc_ok(summary ${WORK}/renamed.json --stages ${target})
if(NOT out MATCHES "model my_classifier .*schedules/x86-64-avx512/mobilenet_v2.json")
  message(FATAL_ERROR "the renamed model did not find its tuned schedule by fingerprint")
endif()
if(err MATCHES "notice")
  message(FATAL_ERROR "a notice where the tuned file was used")
endif()
message("schedules chosen by fingerprint: ok")
