# cmake -DNETC=<netc> -DMODEL=<.onnx> -DWORK=<dir> -P import_then_check.cmake
# netc import writes a spec and weights; the spec then compiles and matches the reference.
file(REMOVE_RECURSE ${WORK})
get_filename_component(name ${MODEL} NAME_WE)
foreach(cmd "import;${MODEL};-o;${WORK}" "compile;${WORK}/${name}.json;--generated-dir;${WORK}/gen;--quiet"
            "check;${WORK}/${name}.json;--generated-dir;${WORK}/gen")
  execute_process(COMMAND ${NETC} ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("netc ${cmd}: ${out}${err}")
  if(rc)
    message(FATAL_ERROR "netc ${cmd} failed")
  endif()
endforeach()
