# cmake -DNETC=<netc> -DSPEC=<spec> -DWORK=<dir> [-DTUNE_OPTIONS=--fusion-only] -P tune_then_check.cmake
# `netc tune` on this machine (few runs: the choices are not the point here), then the model
# compiled with the schedule it wrote must still match the reference interpreter.
file(MAKE_DIRECTORY ${WORK})
set(tuned ${WORK}/tuned.json)
execute_process(COMMAND ${NETC} tune ${SPEC} --runs 10 --threads 1 -o ${tuned} ${TUNE_OPTIONS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc)
  message(FATAL_ERROR "netc tune ${SPEC} failed")
endif()
file(READ ${tuned} text)
string(JSON measured LENGTH "${text}" tuned boundaries)
if(measured LESS 1)
  message(FATAL_ERROR "the tuned schedule records no measured boundary")
endif()
string(JSON timed LENGTH "${text}" tuned stages)
message("tuned schedule: ${measured} boundaries measured, ${timed} stages timed")
set(SCHEDULE ${tuned})
include(${CMAKE_CURRENT_LIST_DIR}/compile_and_check.cmake)
