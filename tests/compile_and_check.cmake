# cmake -DNETC=<netc> -DSPEC=<spec or .onnx> -DWORK=<dir> [-DALPHA=0.5 -DSIZE=160] [-DSCHEDULE=<file>]
#       [-DTARGET=<target>] [-DCOMPILE_ARGS="--layout;nchw;--batch;3"] -P compile_and_check.cmake
# Compiles a model (optionally a width/resolution variant, for another target) and checks it
# against the reference interpreter (ARM code under qemu-user).
set(opts)
if(DEFINED TARGET)
  list(APPEND opts --target ${TARGET})
endif()
if(DEFINED ALPHA)
  list(APPEND opts --alpha ${ALPHA} --input-size ${SIZE})
endif()
foreach(step compile check)
  set(step_opts ${opts})
  if(step STREQUAL "compile" AND DEFINED SCHEDULE)
    list(APPEND step_opts --schedule ${SCHEDULE})
  endif()
  if(step STREQUAL "compile" AND DEFINED COMPILE_ARGS)
    list(APPEND step_opts ${COMPILE_ARGS})
  endif()
  execute_process(COMMAND ${NETC} ${step} ${SPEC} ${step_opts} --generated-dir ${WORK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(rc)
    message(FATAL_ERROR "netc ${step} ${SPEC} ${opts} failed")
  endif()
endforeach()
