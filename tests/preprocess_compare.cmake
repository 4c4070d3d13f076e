# cmake -DNETC=<netc> -DSRC=<source dir> -DIMAGE=<photo> -DFIT=crop|stretch -DWORK=<dir> -P preprocess_compare.cmake
# netc's decoding and preprocessing of a photo against torchvision's (tests/preprocess_vs_torchvision.py).
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${NETC} run ${SRC}/tests/models/pixels_224.json --reference --input ${IMAGE} --normalize imagenet
                        --fit ${FIT} -o ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("netc run: ${out}${err}")
if(rc)
  message(FATAL_ERROR "netc run failed")
endif()
execute_process(COMMAND /usr/bin/python3 ${SRC}/tests/preprocess_vs_torchvision.py ${WORK}/pixels.npy ${IMAGE} ${FIT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc)
  message(FATAL_ERROR "the comparison failed")
endif()
