# cmake -DNETC=<netc> -DSRC=<source dir> -DGENERATED=<where the spec is compiled> -DWORK=<dir> -P onnx_detection.cmake
# An SSD imported from ONNX gets its post-processing from MODEL.detection.json beside it: the
# bundled MobileNet-SSD exported, its spec's "detection" section written next to the .onnx
# (feature maps named by the exported nodes), compiled, run on a photo; the detections must be
# the spec's, and detections.png the photo with the boxes drawn.
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(photo ${SRC}/models/images/ball_300.ppm)
step("netc export" ${NETC} export ${SRC}/models/mobilenet_ssd.json -o ${WORK}/ssd.onnx)
# The spec's section, its separable blocks' feature maps named as the export names their last node.
file(READ ${SRC}/models/mobilenet_ssd.json spec)
string(JSON detection GET "${spec}" detection)
foreach(block conv11 conv13)
  string(REPLACE "\"${block}\"" "\"${block}_pw_relu\"" detection "${detection}")
endforeach()
file(WRITE ${WORK}/ssd.detection.json "${detection}")
step("netc compile" ${NETC} compile ${WORK}/ssd.onnx --generated-dir ${WORK}/gen --quiet)
step("netc run (ONNX)" ${NETC} run ${WORK}/ssd.onnx --generated-dir ${WORK}/gen --input ${photo} --mean 127.5 --scale 0.007843 -o ${WORK}/onnx)
step("netc run (spec)" ${NETC} run ${SRC}/models/mobilenet_ssd.json --generated-dir ${GENERATED} --input ${photo} -o ${WORK}/spec)
step("compare" /usr/bin/python3 ${SRC}/tests/compare_detections.py ${WORK}/onnx ${WORK}/spec ${photo})
