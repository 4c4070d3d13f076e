# cmake -DNETC=<netc> -DSRC=<repo> -DWORK=<dir> -P tune_search.cmake
# `netc tune --search` end to end on a small model (the choices are not the point here; the
# path is): rounds logged line by line, the schedule written and still correct; a tune killed
# with SIGKILL mid-search resumes from its log; a log of another model is refused.
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(SPEC ${SRC}/tests/models/tiny_net.json)
step("tune --search" ${NETC} tune ${SPEC} --search --trials 3 --runs 10 --threads 1 --seed 5 --log ${WORK}/a.jsonl -o ${WORK}/tuned.json)
file(STRINGS ${WORK}/a.jsonl lines)
list(LENGTH lines n)
if(n LESS 3)
  message(FATAL_ERROR "the log holds ${n} trials after 3 rounds")
endif()
file(READ ${WORK}/tuned.json text)
string(JSON rounds GET "${text}" tuned search rounds)
string(JSON device GET "${text}" tuned device_fingerprint id)
message("tuned: ${rounds} rounds, ${n} trials, device ${device}")
if(NOT rounds EQUAL 3)
  message(FATAL_ERROR "the schedule says ${rounds} rounds")
endif()
set(SCHEDULE ${WORK}/tuned.json)
include(${CMAKE_CURRENT_LIST_DIR}/compile_and_check.cmake)

# Killed mid-search: SIGKILL after a few seconds, then --resume from what the log holds.
execute_process(COMMAND timeout -s KILL 12 ${NETC} tune ${SPEC} --search --trials 100 --runs 10 --threads 1 --log ${WORK}/killed.jsonl
                        -o ${WORK}/killed.json RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("killed run (exit ${rc}):\n${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the run meant to be killed finished")
endif()
step("tune --resume" ${NETC} tune ${SPEC} --search --resume --trials 1 --runs 10 --threads 1 --log ${WORK}/killed.jsonl -o ${WORK}/killed.json)
file(READ ${WORK}/killed.json text)
string(JSON resumed GET "${text}" tuned search resumed_trials)
message("resumed with ${resumed} trials from the killed run's log")

# Another model's log is not this one's.
execute_process(COMMAND ${NETC} tune ${SRC}/tests/models/wide_separable.json --search --resume --trials 1 --log ${WORK}/a.jsonl -o ${WORK}/x.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("foreign log (exit ${rc}): ${out}${err}")
if(rc EQUAL 0 OR NOT err MATCHES "holds trials of another model or target")
  message(FATAL_ERROR "a log of another model was taken")
endif()
# Spread over machines: --emit-jobs writes one search a line, GNU parallel runs them (here one
# at a time on this machine), --merge gives the same file whatever the order of the logs.
step("emit jobs" ${NETC} tune ${SPEC} --emit-jobs ${WORK}/jobs --jobs 2 --trials 1 --runs 10 --threads 1 --seed 11)
step("parallel" parallel -j1 --joblog ${WORK}/jobs/joblog.txt :::: ${WORK}/jobs/jobs.txt)
step("merge 1 2" ${NETC} tune ${SPEC} --merge ${WORK}/jobs/trials-1.jsonl ${WORK}/jobs/trials-2.jsonl -o ${WORK}/merged_12.json)
step("merge 2 1" ${NETC} tune ${SPEC} --merge ${WORK}/jobs/trials-2.jsonl ${WORK}/jobs/trials-1.jsonl -o ${WORK}/merged_21.json)
file(READ ${WORK}/merged_12.json a)
file(READ ${WORK}/merged_21.json b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "merging the same logs in another order gave another file")
endif()
step("compile merged" ${NETC} compile ${SPEC} --schedule ${WORK}/merged_12.json --generated-dir ${WORK}/merged --quiet)
step("check merged" ${NETC} check ${SPEC} --generated-dir ${WORK}/merged)
message("tune search: ok")
