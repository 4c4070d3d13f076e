# cmake -DNETC=<netc> -DSPEC=<spec> -DWORK=<dir> -DALPHA=0.5 -DSIZE=160 -P compile_and_check.cmake
# Compiles a width/resolution variant of a model and checks it against the reference interpreter.
foreach(step compile check)
  execute_process(COMMAND ${NETC} ${step} ${SPEC} --alpha ${ALPHA} --input-size ${SIZE} --generated-dir ${WORK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(rc)
    message(FATAL_ERROR "netc ${step} --alpha ${ALPHA} --input-size ${SIZE} failed")
  endif()
endforeach()
