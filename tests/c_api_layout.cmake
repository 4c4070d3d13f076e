# cmake -DNETC=... -DTOOLS=<tools/onnx> -DMODEL=<an ONNX file with a symbolic batch> -DWORK=<dir> -P c_api_layout.cmake
# The C API compiled with --layout nchw and a batch of 2 (--input-shape 2,...), driven by a
# plain C program (c_api_layout_app.c) on raw NCHW float32, against ONNX Runtime on the same
# two images: the runtime's transposition and batch loop with nothing of netc's in between.
set(PY /usr/bin/python3)
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
step("input" ${PY} ${TOOLS}/make_input.py --shape 2,3,8,8 --seed 4 --out ${WORK}/x.npy)
step("onnx runtime" node ${TOOLS}/ort_run.js ${MODEL} --input ${WORK}/x.npy --out-dir ${WORK}/want)
step("netc compile" ${NETC} compile ${MODEL} --input-shape 2,3,8,8 --layout nchw --generated-dir ${WORK}/gen --quiet)
file(GLOB dirs LIST_DIRECTORIES true ${WORK}/gen/dynamic_batch/x86* ${WORK}/gen/dynamic_batch/arm*)
list(GET dirs 0 dir)
file(READ ${dir}/dynamic_batch.h header)
string(REGEX MATCH "input 'x': float32 \\[2, 3, 8, 8\\] \\(N, C, H, W: channels first\\)[^\n]*" line "${header}")
if(NOT line)
  message(FATAL_ERROR "the header does not describe the NCHW batch input:\n${header}")
endif()
message("header: ${line}")
step("build the app" cc -O2 -DNETC_MODEL_FN=netc_dynamic_batch_model ${CMAKE_CURRENT_LIST_DIR}/c_api_layout_app.c -I${dir}
     ${dir}/libdynamic_batch.a ${dir}/libnetc_runtime.a ${dir}/libhalide_runtime.a -lpthread -ldl -lm -o ${WORK}/app)
# (No ';' in these one-liners: cmake would split the argument there.)
step("raw input" ${PY} -c "__import__('numpy').load('${WORK}/x.npy').astype('<f4').tofile('${WORK}/x.f32')")
step("run the app" ${WORK}/app ${WORK}/x.f32 ${WORK}/y.f32)
file(GLOB wanted ${WORK}/want/*.npy)
list(GET wanted 0 want)
step("as npy" ${PY} -c "np = __import__('numpy')
np.save('${WORK}/y.npy', np.fromfile('${WORK}/y.f32', '<f4').reshape(np.load('${want}').shape))")
step("compare" ${PY} ${TOOLS}/compare_npy.py ${WORK}/y.npy ${want} --got-layout nchw)
