# step(WHAT COMMAND...): runs a command in a cmake -P test script, prints its output under WHAT
# and stops the script if it fails. Included by the scripts that chain netc commands.
function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${what}: ${out}${err}")
  if(rc)
    message(FATAL_ERROR "${what} failed")
  endif()
endfunction()
