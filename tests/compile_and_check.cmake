# cmake -DNETC=<netc> -DSPEC=<spec or .onnx> -DWORK=<dir> [-DALPHA=0.5 -DSIZE=160] [-DSCHEDULE=<file>] -P compile_and_check.cmake
# Compiles a model (optionally a width/resolution variant) and checks it against the
# reference interpreter.
set(opts)
if(DEFINED ALPHA)
  set(opts --alpha ${ALPHA} --input-size ${SIZE})
endif()
foreach(step compile check)
  set(step_opts ${opts})
  if(step STREQUAL "compile" AND DEFINED SCHEDULE)
    list(APPEND step_opts --schedule ${SCHEDULE})
  endif()
  execute_process(COMMAND ${NETC} ${step} ${SPEC} ${step_opts} --generated-dir ${WORK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(rc)
    message(FATAL_ERROR "netc ${step} ${SPEC} ${opts} failed")
  endif()
endforeach()
