# cmake -DMODE=import|export|round_trip -DNETC=... -DTOOLS=<tools/onnx> -DWORK=<dir> ... -P onnx_compare.cmake
#   import:     MODEL (.onnx), SHAPE (N,C,H,W). ONNX Runtime on MODEL vs netc compile MODEL.
#               netc run takes the same array as ONNX Runtime (the model's declared input;
#               with -DINPUT_LAYOUT=nhwc, SHAPE is N,H,W,C) and writes outputs as declared.
#   export:     SPEC, SHAPE, GENERATED (where the spec is compiled). netc export SPEC, then
#               ONNX Runtime on that file vs netc's compiled SPEC: the same network and weights.
#   round_trip: SPEC, SHAPE, GENERATED. netc export SPEC, netc compile the .onnx, and compare
#               its outputs (NCHW, as declared) with the compiled SPEC's (channels-last).
# Outputs are compared by name, max |a - b| / max |b| <= 1e-4.
set(PY /usr/bin/python3)  # Debian's, which has numpy and onnx (a pyenv python3 may not)

include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
step("input" ${PY} ${TOOLS}/make_input.py --shape ${SHAPE} --seed 1 --out ${WORK}/x.npy --hwc-out ${WORK}/x_hwc.npy)

if(MODE STREQUAL "import")
  step("onnx runtime" node ${TOOLS}/ort_run.js ${MODEL} --input ${WORK}/x.npy --out-dir ${WORK}/want)
  string(TIMESTAMP t0 "%s")
  step("netc compile" ${NETC} compile ${MODEL} --generated-dir ${WORK}/gen --quiet)
  # The same array ONNX Runtime took, in the shape the model declares (NCHW or NHWC).
  set(netc_input ${WORK}/x.npy)
  step("netc run" ${NETC} run ${MODEL} --generated-dir ${WORK}/gen --input ${netc_input} -o ${WORK}/got)
else()
  step("netc export" ${NETC} export ${SPEC} -o ${WORK}/model.onnx)
  if(MODE STREQUAL "export")
    step("onnx runtime" node ${TOOLS}/ort_run.js ${WORK}/model.onnx --input ${WORK}/x.npy --out-dir ${WORK}/ort)
    step("netc run" ${NETC} run ${SPEC} --generated-dir ${GENERATED} --input ${WORK}/x_hwc.npy -o ${WORK}/netc)
    set(got ${WORK}/netc)
    set(want ${WORK}/ort)
  else()
    step("netc compile (the exported file)" ${NETC} compile ${WORK}/model.onnx --generated-dir ${WORK}/gen --quiet)
    step("netc run (exported)" ${NETC} run ${WORK}/model.onnx --generated-dir ${WORK}/gen --input ${WORK}/x.npy -o ${WORK}/exported)
    step("netc run (spec)" ${NETC} run ${SPEC} --generated-dir ${GENERATED} --input ${WORK}/x_hwc.npy -o ${WORK}/spec)
    # The exported model's outputs are written as it declares them (NCHW); the spec's channels-last.
    set(got ${WORK}/spec)
    set(want ${WORK}/exported)
  endif()
endif()
if(NOT got)
  set(got ${WORK}/got)
  set(want ${WORK}/want)
endif()

file(GLOB wanted RELATIVE ${want} ${want}/*.npy)
if(NOT wanted)
  message(FATAL_ERROR "no outputs in ${want}")
endif()
foreach(f ${wanted})
  # netc writes channels-last; ONNX Runtime's spatial outputs are NCHW.
  set(layout flat)
  if(NOT MODE STREQUAL "import")
    set(layout nhwc)
  endif()
  step("compare ${f}" ${PY} ${TOOLS}/compare_npy.py ${got}/${f} ${want}/${f} --got-layout ${layout})
endforeach()
