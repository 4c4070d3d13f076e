# cmake -DNETC=... -DSRC=<repo> -DWORK=<dir> -P tfjs_compare.cmake
# nsfwjs 4.4.0's trained MobileNetV2 (a TF.js layers model, uint8-quantized weights, from npm:
# tools/tfjs), compiled by netc from its model.json, against TF.js itself (@tensorflow/tfjs,
# CPU backend) on real photos (Debian's python3-skimage ones and a test photo), each prepared
# once as nsfwjs does (RGB, 224x224 bilinear, /255) and given to both: <= 1e-4 relative and the
# same top-1 class on every photo.
set(PY /usr/bin/python3)
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(TFJS ${SRC}/tools/tfjs)
step("extract nsfwjs" node ${TFJS}/extract_nsfwjs.js ${WORK}/nsfw_mobilenet_v2)
set(skimage /usr/lib/python3/dist-packages/skimage/data)
set(photos ${skimage}/astronaut.png ${skimage}/chelsea.png ${skimage}/coffee.png ${skimage}/rocket.jpg ${skimage}/motorcycle_left.png
           ${SRC}/tests/images/ball_401x300.jpg)
step("inputs" ${PY} ${SRC}/tests/tfjs_photo_inputs.py ${WORK}/inputs 224 ${photos})
set(model ${WORK}/nsfw_mobilenet_v2/model.json)
step("netc compile" ${NETC} compile ${model} --generated-dir ${WORK}/gen --quiet)
file(GLOB inputs ${WORK}/inputs/*.npy)
foreach(x ${inputs})
  get_filename_component(name ${x} NAME_WE)
  step("tfjs ${name}" node ${TFJS}/tfjs_run.js ${model} --input ${x} --out-dir ${WORK}/tfjs/${name})
  step("netc run ${name}" ${NETC} run ${model} --generated-dir ${WORK}/gen --input ${x} -o ${WORK}/netc/${name})
  step("compare ${name}" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc/${name}/dense_3.npy ${WORK}/tfjs/${name}/dense_3.npy)
  step("top-1 ${name}" ${PY} -c "np = __import__('numpy')
a = np.load('${WORK}/netc/${name}/dense_3.npy').ravel()
b = np.load('${WORK}/tfjs/${name}/dense_3.npy').ravel()
classes = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']
print('netc', classes[a.argmax()], round(float(a.max()), 4), 'tfjs', classes[b.argmax()], round(float(b.max()), 4), 'same' if a.argmax() == b.argmax() else 'DIFFERENT')
raise SystemExit(0 if a.argmax() == b.argmax() else 1)")
endforeach()
# The photos through netc's own path: decoded by netc, prepared with --fit stretch --resize
# align-corners --normalize unit; TF.js prepares the same pixels (decoded by PIL) as nsfwjs's
# core.js does (div(255), resizeBilinear alignCorners) before the same model.
foreach(photo ${photos})
  get_filename_component(name ${photo} NAME_WE)
  step("pixels ${name}" ${PY} -c "np = __import__('numpy')
img = __import__('PIL.Image', fromlist=['Image']).open('${photo}').convert('RGB')
np.save('${WORK}/inputs/${name}_pixels.npy', np.asarray(img, dtype=np.float32))")
  step("tfjs photo ${name}" node ${TFJS}/tfjs_run.js ${model} --pixels ${WORK}/inputs/${name}_pixels.npy --out-dir ${WORK}/tfjs_photo/${name})
  step("netc photo ${name}" ${NETC} run ${model} --generated-dir ${WORK}/gen --input ${photo} --fit stretch --resize align-corners
       --normalize unit -o ${WORK}/netc_photo/${name})
  step("compare photo ${name}" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc_photo/${name}/dense_3.npy ${WORK}/tfjs_photo/${name}/dense_3.npy)
endforeach()

# nsfwjs's other MobileNetV2 (width 1.4), a TF.js graph model (a TF GraphDef: _FusedConv2D,
# FusedDepthwiseConv2dNative, AddV2, the x*2-1 stem, AvgPool, Squeeze, _FusedMatMul, Softmax),
# on the same photo tensors.
step("extract nsfwjs (graph)" node ${TFJS}/extract_nsfwjs.js ${WORK}/nsfw_mobilenet_v2_mid --model mobilenet_v2_mid)
set(mid ${WORK}/nsfw_mobilenet_v2_mid/model.json)
step("netc compile graph" ${NETC} compile ${mid} --generated-dir ${WORK}/gen --quiet)
foreach(x ${inputs})
  get_filename_component(name ${x} NAME_WE)
  step("tfjs graph ${name}" node ${TFJS}/tfjs_run.js ${mid} --input ${x} --out-dir ${WORK}/tfjs_mid/${name})
  step("netc graph ${name}" ${NETC} run ${mid} --generated-dir ${WORK}/gen --input ${x} -o ${WORK}/netc_mid/${name})
  step("compare graph ${name}" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc_mid/${name}/Identity.npy ${WORK}/tfjs_mid/${name}/Identity.npy)
  step("top-1 graph ${name}" ${PY} -c "np = __import__('numpy')
a = np.load('${WORK}/netc_mid/${name}/Identity.npy').ravel()
b = np.load('${WORK}/tfjs_mid/${name}/Identity.npy').ravel()
print('netc', a.argmax(), 'tfjs', b.argmax(), 'same' if a.argmax() == b.argmax() else 'DIFFERENT')
raise SystemExit(0 if a.argmax() == b.argmax() else 1)")
endforeach()

# A small hand-written layers model with every layer kind the importer takes (tests/tfjs_files/
# tiny: ZeroPadding2D, Conv2D, BatchNormalization, ReLU max 6, DepthwiseConv2D with a fused
# relu, Add, AveragePooling2D, Flatten, Dropout, Dense with softmax), uint8-quantized.
step("tiny input" ${PY} ${SRC}/tools/onnx/make_input.py --shape 1,8,8,3 --seed 2 --out ${WORK}/tiny_x.npy)
step("tfjs tiny" node ${TFJS}/tfjs_run.js ${SRC}/tests/tfjs_files/tiny/model.json --input ${WORK}/tiny_x.npy --out-dir ${WORK}/tfjs/tiny)
step("netc compile tiny" ${NETC} compile ${SRC}/tests/tfjs_files/tiny/model.json --generated-dir ${WORK}/gen --quiet)
step("netc run tiny" ${NETC} run ${SRC}/tests/tfjs_files/tiny/model.json --generated-dir ${WORK}/gen --input ${WORK}/tiny_x.npy -o ${WORK}/netc/tiny)
step("compare tiny" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc/tiny/dense.npy ${WORK}/tfjs/tiny/dense.npy)

# tiny's weights in TF.js's other two quantizations (tools/tfjs/make_test_models.py): uint16
# (q * scale + min over 65535 steps) and float16, each dequantized by netc and by TF.js.
foreach(variant tiny_uint16 tiny_float16)
  step("tfjs ${variant}" node ${TFJS}/tfjs_run.js ${SRC}/tests/tfjs_files/${variant}/model.json --input ${WORK}/tiny_x.npy --out-dir ${WORK}/tfjs/${variant})
  step("netc compile ${variant}" ${NETC} compile ${SRC}/tests/tfjs_files/${variant}/model.json --generated-dir ${WORK}/gen --quiet)
  step("netc run ${variant}" ${NETC} run ${SRC}/tests/tfjs_files/${variant}/model.json --generated-dir ${WORK}/gen --input ${WORK}/tiny_x.npy
       -o ${WORK}/netc/${variant})
  step("compare ${variant}" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc/${variant}/dense.npy ${WORK}/tfjs/${variant}/dense.npy)
endforeach()

# Graph ops beyond nsfwjs's set (tests/tfjs_files/graph_ops): Pad, FusedBatchNormV3, ConcatV2,
# PadV2, MirrorPad REFLECT, and ResizeBilinear / ResizeNearestNeighbor under each of TF's three
# coordinate rules (legacy, align_corners, half_pixel_centers), up in height and down in width.
step("graph ops input" ${PY} ${SRC}/tools/onnx/make_input.py --shape 1,7,9,3 --seed 3 --out ${WORK}/graph_ops_x.npy)
step("tfjs graph ops" node ${TFJS}/tfjs_run.js ${SRC}/tests/tfjs_files/graph_ops/model.json --input ${WORK}/graph_ops_x.npy --out-dir ${WORK}/tfjs/graph_ops)
step("netc compile graph ops" ${NETC} compile ${SRC}/tests/tfjs_files/graph_ops/model.json --generated-dir ${WORK}/gen --quiet)
step("netc run graph ops" ${NETC} run ${SRC}/tests/tfjs_files/graph_ops/model.json --generated-dir ${WORK}/gen --input ${WORK}/graph_ops_x.npy
     -o ${WORK}/netc/graph_ops)
step("compare graph ops" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc/graph_ops/out.npy ${WORK}/tfjs/graph_ops/out.npy)
step("check graph ops" ${NETC} check ${SRC}/tests/tfjs_files/graph_ops/model.json --generated-dir ${WORK}/gen)

# A photo with no flags: the model.preprocess.json the extractor writes beside nsfwjs's model
# says how (the whole image, align-corners, /255), as TF.js prepared it above.
step("netc photo, preprocess file" ${NETC} run ${model} --generated-dir ${WORK}/gen --input ${skimage}/chelsea.png -o ${WORK}/netc_photo_file/chelsea)
step("compare photo, preprocess file" ${PY} ${SRC}/tools/onnx/compare_npy.py ${WORK}/netc_photo_file/chelsea/dense_3.npy ${WORK}/tfjs_photo/chelsea/dense_3.npy)
# The example app, linked with plain cc against the compiled nsfwjs as the README's demo does:
# its own decoding and align-corners resize (the header's NETC_<model>_PHOTO_*) and the model's
# normalisation, against TF.js on the same photo.
file(GLOB gen_dir LIST_DIRECTORIES true ${WORK}/gen/nsfw_mobilenet_v2/x86-64-*)
step("link classify" cc -O2 -std=c11 -DNETC_MODEL=nsfw_mobilenet_v2 -DEXAMPLE_PHOTOS ${SRC}/examples/classify/classify.c
     ${SRC}/examples/common/support.c ${SRC}/examples/common/photo.c -I${SRC}/examples/common -I${gen_dir}
     ${gen_dir}/libnsfw_mobilenet_v2.a ${gen_dir}/libnetc_runtime.a ${gen_dir}/libhalide_runtime.a -ljpeg -lpng -lpthread -ldl -lm
     -o ${WORK}/classify_nsfw)
step("classify chelsea" ${WORK}/classify_nsfw --runs 30 --labels ${WORK}/nsfw_mobilenet_v2/labels.txt
     --compare ${WORK}/tfjs_photo/chelsea/dense_3.npy --tolerance 1e-4 ${skimage}/chelsea.png)
