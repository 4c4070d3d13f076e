# cmake -DTOOLS=<tools/onnx> -DOUT=<dir> -P onnx_export_torchvision.cmake
# Exports torchvision's MobileNetV2/V3 (seeded random weights, calibrated BatchNorm) to ONNX
# at opsets 11 and 13, once: files already there are kept (the test run's cache).
foreach(model mobilenet_v2 mobilenet_v3_large mobilenet_v3_small)
  foreach(opset 11 13)
    set(file ${OUT}/${model}_op${opset}.onnx)
    if(EXISTS ${file} AND ${file} IS_NEWER_THAN ${TOOLS}/export_torchvision.py)
      message("cached: ${file}")
      continue()
    endif()
    execute_process(COMMAND /usr/bin/python3 ${TOOLS}/export_torchvision.py --model ${model} --opset ${opset} --seed 0 --out ${file}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message("${out}${err}")
    if(rc)
      message(FATAL_ERROR "exporting ${model} at opset ${opset} failed")
    endif()
  endforeach()
endforeach()
