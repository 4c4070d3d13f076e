# CLI behaviour as a user sees it. Each bad input must fail with exit code 1 (2 for usage)
# and a message naming the file, the layer and the field.
set(NETC $<TARGET_FILE:netc>)
set(SRC ${PROJECT_SOURCE_DIR})
set(BAD ${CMAKE_CURRENT_SOURCE_DIR}/bad_specs)

foreach(cmd compile summary run check weights bench estimate)
  add_test(NAME cli_help_${cmd} COMMAND ${NETC} ${cmd} --help)
  set_tests_properties(cli_help_${cmd} PROPERTIES PASS_REGULAR_EXPRESSION "usage: netc ${cmd}")
endforeach()

# The MobileNet paper / Keras figures.
add_test(NAME cli_summary_mobilenet_v1 COMMAND ${NETC} summary ${SRC}/models/mobilenet_v1.json)
set_tests_properties(cli_summary_mobilenet_v1 PROPERTIES PASS_REGULAR_EXPRESSION "total: 4,231,976 parameters.*568\\.7M MACs")

add_test(NAME cli_summary_mobilenet_v2 COMMAND ${NETC} summary ${SRC}/models/mobilenet_v2.json)
set_tests_properties(cli_summary_mobilenet_v2 PROPERTIES PASS_REGULAR_EXPRESSION "total: 3,504,872 parameters.*300\\.8M MACs")

add_test(NAME cli_summary_mobilenet_v3_large COMMAND ${NETC} summary ${SRC}/models/mobilenet_v3_large.json)
set_tests_properties(cli_summary_mobilenet_v3_large PROPERTIES PASS_REGULAR_EXPRESSION "total: 5,483,032 parameters.*216\\.6M MACs")
add_test(NAME cli_summary_mobilenet_v3_small COMMAND ${NETC} summary ${SRC}/models/mobilenet_v3_small.json)
set_tests_properties(cli_summary_mobilenet_v3_small PROPERTIES PASS_REGULAR_EXPRESSION "total: 2,542,856 parameters.*56\\.5M MACs")
add_test(NAME cli_summary_mobilenet_ssd COMMAND ${NETC} summary ${SRC}/models/mobilenet_ssd.json)
set_tests_properties(cli_summary_mobilenet_ssd PROPERTIES PASS_REGULAR_EXPRESSION "total: 5,796,089 parameters.*1148\\.5M MACs")
# The stage plan depends on the target's knobs: a fixed target and file keep it the same on
# every machine (planning runs no code). No ';' in these patterns: ctest splits a pattern list
# at ';' and passes on any one part.
add_test(NAME cli_summary_stages COMMAND ${NETC} summary ${SRC}/models/mobilenet_v3_small.json --stages --target x86-64-avx2 --schedule ${SRC}/schedules/x86-64-avx2.json)
set_tests_properties(cli_summary_stages PROPERTIES PASS_REGULAR_EXPRESSION "0 +stem +conv2d\\+hswish +112x112x16 .* stem_bn, stem_hswish.*block1_project +conv2d .*block1_se_scale \\(mul, tile\\).*block3_add +add .*block3_project \\(conv2d, epilogue\\).*63 stages for 137 layers \\(17 fused into the stage of a later one. 80 after folding\\). peak activation memory")
add_test(NAME cli_summary_stages_unfused COMMAND ${NETC} summary ${SRC}/models/mobilenet_v3_small.json --stages --schedule ${SRC}/tests/schedules/unfused.json)
set_tests_properties(cli_summary_stages_unfused PROPERTIES PASS_REGULAR_EXPRESSION "unfused.json.*80 stages for 137 layers \\(0 fused")
add_test(NAME cli_summary_xception COMMAND ${NETC} summary ${SRC}/models/xception.json)
set_tests_properties(cli_summary_xception PROPERTIES PASS_REGULAR_EXPRESSION "total: 22,855,952 parameters.*8357\\.4M MACs")

# netc check on the model the build compiled.
add_test(NAME cli_check_mobilenet_v1 COMMAND ${NETC} check ${SRC}/models/mobilenet_v1.json --generated-dir ${CMAKE_BINARY_DIR}/generated)
set_tests_properties(cli_check_mobilenet_v1 PROPERTIES PASS_REGULAR_EXPRESSION "prob .*: ok")

# netc weights → a spec reading that file → the same outputs as the random-weights spec.
add_test(NAME cli_weights_file_round_trip
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSRC=${SRC} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/weights_round_trip
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/weights_round_trip.cmake)

# add_error_test(name exit_code regex args...)
function(add_error_test name code regex)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -DEXPECT=${code} -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake -- ${NETC} ${ARGN})
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}.*exit code ${code} as expected")
endfunction()

add_error_test(cli_error_malformed_json 1 "malformed.json: malformed JSON: .*line" summary ${BAD}/malformed.json)
add_error_test(cli_error_unknown_op 1 "unknown_op.json: layer 'conv1': field 'layers\\[0\\].op': unknown op \"conv3d\" \\(did you mean 'conv2d'\\?\\)" summary ${BAD}/unknown_op.json)
add_error_test(cli_error_missing_field 1 "missing_field.json: layer 'conv1': field 'layers\\[0\\].kernel': missing required field" summary ${BAD}/missing_field.json)
add_error_test(cli_error_mistyped_field 1 "mistyped_field.json: layer 'conv1': field 'layers\\[0\\].kernel': expected an integer or \\[height, width\\]" summary ${BAD}/mistyped_field.json)
add_error_test(cli_error_unknown_field 1 "field 'layers\\[0\\].strides': unknown field \\(did you mean 'stride'\\?\\)" summary ${BAD}/unknown_field.json)
add_error_test(cli_error_kernel_too_big 1 "kernel_too_big.json: layer 'big': field 'layers\\[1\\].kernel': the kernel \\(9\\) is larger than the padded input height \\(5\\)" summary ${BAD}/kernel_too_big.json)
add_error_test(cli_error_channel_mismatch 1 "channel_mismatch.json: layer 'grouped': field 'layers\\[0\\].groups': groups \\(2\\) must divide both the input channels \\(3\\)" summary ${BAD}/channel_mismatch.json)
add_error_test(cli_error_wrong_weight_shape 1 "wrong_shape.safetensors: layer 'conv1': field 'conv1.weight': has shape \\[8, 3, 3, 3\\], expected \\[4, 3, 3, 3\\]" compile ${BAD}/wrong_weight_shape.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_truncated_weights 1 "truncated.safetensors: layer 'conv1.weight': field 'data_offsets': .*truncated" compile ${BAD}/truncated_weights.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
# .npy inputs with broken shapes: refused naming the file and the field, before any copy.
add_error_test(cli_error_npy_non_numeric_shape 1 "npy_non_numeric_shape.npy: field 'shape': 'abc' is not a dimension" run ${SRC}/tests/models/tiny_net.json --reference --input ${BAD}/npy_non_numeric_shape.npy -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_npy_zero_size 1 "npy_zero_size.npy: field 'shape': the array holds no values" run ${SRC}/tests/models/tiny_net.json --reference --input ${BAD}/npy_zero_size.npy -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_npy_shape_overflow 1 "npy_shape_overflow.npy: field 'shape': needs more values than the file's 16 data bytes hold" run ${SRC}/tests/models/tiny_net.json --reference --input ${BAD}/npy_shape_overflow.npy -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_npy_unclosed_shape 1 "npy_unclosed_shape.npy: field 'shape': not closed in header" run ${SRC}/tests/models/tiny_net.json --reference --input ${BAD}/npy_unclosed_shape.npy -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_description_not_text 1 "description_not_text.json: field 'description': expected a string, got" summary ${BAD}/description_not_text.json)
add_error_test(cli_error_missing_spec 1 "no_such.json: cannot open the spec file" summary ${BAD}/no_such.json)
add_error_test(cli_error_unsupported_target 1 "field '--target': unsupported target 'arm-65-linux'" compile ${SRC}/tests/models/tiny_net.json --target arm-65-linux --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_bad_flag 2 "unknown option --frobnicate" compile ${SRC}/tests/models/tiny_net.json --frobnicate)
add_error_test(cli_error_bad_flag_value 2 "--threads expects an integer" run ${SRC}/tests/models/tiny_net.json --input x.npy --threads many)
add_error_test(cli_error_unknown_command 2 "unknown command 'compiel'" compiel)
add_error_test(cli_error_not_compiled 1 "nothing_here/tiny_net/[a-z0-9_-]*: no model compiled for [a-z0-9_-]* here \\(run .netc compile SPEC --target [a-z0-9_-]*. first\\)" check ${SRC}/tests/models/tiny_net.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/nothing_here)

# netc run: an image input, the compiled code and the reference, each writing prob.npy.
add_test(NAME cli_run_image COMMAND ${NETC} run ${SRC}/models/mobilenet_v1.json --input ${SRC}/models/images/ball_224.ppm
                                    --generated-dir ${CMAKE_BINARY_DIR}/generated -o ${CMAKE_CURRENT_BINARY_DIR}/run_out --threads 2)
set_tests_properties(cli_run_image PROPERTIES PASS_REGULAR_EXPRESSION "prob: \\[1000\\], .* -> .*run_out/prob.npy")
add_test(NAME cli_run_reference COMMAND ${NETC} run ${SRC}/models/mobilenet_v1.json --reference --input ${SRC}/models/images/ball_224.ppm
                                        -o ${CMAKE_CURRENT_BINARY_DIR}/run_ref_out)
set_tests_properties(cli_run_reference PROPERTIES PASS_REGULAR_EXPRESSION "prob: \\[1000\\], .* -> .*run_ref_out/prob.npy")
# Photos in: JPEG and PNG (gray + alpha, palette) decoded and preprocessed as torchvision does.
foreach(case "ball_401x300.jpg crop" "ball_401x300.jpg stretch" "ball_gray_240x320.png crop" "ball_palette_200.png stretch")
  separate_arguments(case)
  list(GET case 0 image)
  list(GET case 1 fit)
  string(REGEX REPLACE "[.].*" "" stem ${image})
  add_test(NAME cli_run_photo_${stem}_${fit}
           COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSRC=${SRC} -DIMAGE=${SRC}/tests/images/${image} -DFIT=${fit}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/photo_${stem}_${fit} -P ${CMAKE_CURRENT_SOURCE_DIR}/preprocess_compare.cmake)
  set_tests_properties(cli_run_photo_${stem}_${fit} PROPERTIES PASS_REGULAR_EXPRESSION "preprocessing matches torchvision: ok")
endforeach()
add_error_test(cli_error_photo_truncated 1 "truncated.jpg: the JPEG is corrupt or truncated: " run ${SRC}/tests/models/pixels_224.json --reference --input ${SRC}/tests/images/truncated.jpg --normalize imagenet -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_photo_corrupt_png 1 "corrupt.png: .*PNG" run ${SRC}/tests/models/pixels_224.json --reference --input ${SRC}/tests/images/corrupt.png --normalize imagenet -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_photo_no_normalisation 1 "ball_401x300.jpg: layer 'x': field 'mean': the model says nothing of how its pixels are normalised: give --normalize imagenet" run ${SRC}/tests/onnx_files/pytorch_ops.onnx --reference --input ${SRC}/tests/images/ball_401x300.jpg -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_photo_bad_fit 2 "--fit expects crop or stretch, got 'zoom'" run ${SRC}/tests/models/pixels_224.json --input ${SRC}/tests/images/ball_401x300.jpg --fit zoom)
# netc bench: correctness first, then the timing figures (never asserted: a benchmark).
add_test(NAME cli_bench COMMAND ${NETC} bench ${SRC}/tests/models/tiny_net.json --generated-dir ${CMAKE_BINARY_DIR}/generated --threads 1 --runs 30)
set_tests_properties(cli_bench PROPERTIES PASS_REGULAR_EXPRESSION "prob .*: ok.*1 thread: 30 runs.*latency: median [0-9.]+ ms.*GFLOP/s" FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_test(NAME cli_bench_vs_onnxruntime COMMAND ${NETC} bench ${SRC}/tests/models/tiny_net.json --generated-dir ${CMAKE_BINARY_DIR}/generated
                                               --threads 1 --runs 30 --vs onnxruntime --all-stages)
set_tests_properties(cli_bench_vs_onnxruntime PROPERTIES
                     PASS_REGULAR_EXPRESSION "of the measured .* FMA peak.*onnxruntime 1\\.[0-9.]+ .*outputs agree to [0-9.e-]+ relative\nratio netc / onnxruntime \\(median\\): [0-9.]+.*stages, slowest first.*logits +dense"
                     FAIL_REGULAR_EXPRESSION "FAIL|failed|MISMATCH")
add_error_test(cli_error_bench_vs_what 2 "--vs takes 'onnxruntime'" bench ${SRC}/tests/models/tiny_net.json --vs tflite)
add_test(NAME cli_check_detector COMMAND ${NETC} check ${SRC}/tests/models/tiny_ssd_tf.json --generated-dir ${CMAKE_BINARY_DIR}/generated)
set_tests_properties(cli_check_detector PROPERTIES PASS_REGULAR_EXPRESSION "detections +[0-9]+ compiled, [0-9]+ reference: the same" FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_error_test(cli_error_bench_too_few_runs 2 "--runs" bench ${SRC}/tests/models/tiny_net.json --runs 5)

# Schedule files: another schedule computes the same numbers; a bad file names its field.
add_test(NAME cli_compile_check_unusual_schedule
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/mobilenet_v3_small.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/unusual_schedule
                 -DSCHEDULE=${CMAKE_CURRENT_SOURCE_DIR}/schedules/unusual.json -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
set_tests_properties(cli_compile_check_unusual_schedule PROPERTIES PASS_REGULAR_EXPRESSION "schedule parameters: .*unusual.json.*logits .*: ok"
                     FAIL_REGULAR_EXPRESSION "FAIL|failed")
# Tuned schedules are found by the model's fingerprint, not its file name.
add_test(NAME cli_schedule_by_fingerprint
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSRC=${SRC} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/schedule_by_fingerprint
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/schedule_by_fingerprint.cmake)
set_tests_properties(cli_schedule_by_fingerprint PROPERTIES PASS_REGULAR_EXPRESSION "schedules chosen by fingerprint: ok")
add_error_test(cli_error_schedule_value 1 "bad_value.json: field 'conv.vectors_per_block': expected an integer from 1 to 2, got 3" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_value.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_schedule_field 1 "bad_field.json: field 'depthwise.pixel_runs': unknown field \\(did you mean 'pixel_run'\\?\\)" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_field.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)

add_error_test(cli_error_schedule_fusion_layer 1 "bad_fusion_layer.json: layer 'sep_dww': field 'fusion.layers': no layer of model 'tiny_net' \\(after its passes\\) has this name" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_fusion_layer.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_schedule_fusion_boundary 1 "bad_fusion_boundary.json: layer 'pool': field 'fusion.layers': this layer cannot be fused into the layer after it" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_fusion_boundary.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)

# netc tune measures the fusable boundaries (and each stage's knobs) and writes a schedule
# the compiler takes; the model compiled with it still matches the reference.
add_test(NAME cli_tune_then_check
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/mobilenet_v3_small.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/tuned
                 -DTUNE_OPTIONS=--fusion-only -P ${CMAKE_CURRENT_SOURCE_DIR}/tune_then_check.cmake)
set_tests_properties(cli_tune_then_check PROPERTIES
                     PASS_REGULAR_EXPRESSION "block1_se_scale -> block1_project \\(tile\\): fused [0-9.]+ ms, apart [0-9.]+ ms.*_expand -> block[0-9]+_dw \\(rows\\): fused [0-9.]+ ms, apart [0-9.]+ ms.*boundaries measured.*schedule parameters: .*tuned.json.*: ok"
                     FAIL_REGULAR_EXPRESSION "FAIL|failed")
# netc tune --search: logged rounds, a correct schedule, resuming after SIGKILL, foreign logs refused.
add_test(NAME cli_tune_search
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSRC=${SRC} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/tune_search -P ${CMAKE_CURRENT_SOURCE_DIR}/tune_search.cmake)
set_tests_properties(cli_tune_search PROPERTIES PASS_REGULAR_EXPRESSION "resuming from .*killed.jsonl: [1-9][0-9]* trials.*tune search: ok"
                     FAIL_REGULAR_EXPRESSION "FAIL")
add_error_test(cli_error_tune_budget 2 "--budget expects a duration such as 20m, 90s or 1h, got 'soon'" tune ${SRC}/tests/models/tiny_net.json --search --budget soon)
add_error_test(cli_error_tune_search_emulated 1 "emulated times say nothing about a device" tune ${SRC}/tests/models/tiny_net.json --search --target arm-64-linux --trials 1)
add_error_test(cli_error_tune_merge_no_logs 2 "--merge needs the logs" tune ${SRC}/tests/models/tiny_net.json --merge)
add_error_test(cli_error_tune_search_and_merge 2 "give one of --search, --emit-jobs and --merge" tune ${SRC}/tests/models/tiny_net.json --search --merge)
add_error_test(cli_error_tune_search_flag 2 "--seed goes with --search" tune ${SRC}/tests/models/tiny_net.json --seed 3)
add_test(NAME cli_tune_knobs_then_check
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/tests/models/tiny_net.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/tuned_knobs
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/tune_then_check.cmake)
set_tests_properties(cli_tune_knobs_then_check PROPERTIES
                     PASS_REGULAR_EXPRESSION "per-stage knobs:.*stem: default [0-9.]+ ms.*stages timed.*schedule parameters: .*tuned.json.*prob .*: ok"
                     FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_error_test(cli_error_schedule_stage_name 1 "bad_stage_name.json: layer 'no_such_stage': field 'stages': no stage of model 'tiny_net' has this name" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_stage_name.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_schedule_stage_tile 1 "bad_stage_tile.json: layer 'sep_pw': field 'stages.sep_pw.conv.tile_pixels': this register tile makes the fused layer's buffer exceed half of L2 .256 KiB." compile ${CMAKE_CURRENT_SOURCE_DIR}/models/wide_separable.json --target x86-64-avx2 --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_stage_tile.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
# Halide's autoschedulers as a schedule: the baselines `netc tune` compares against. Each
# computes what the reference interpreter does (a V2 at 0.35 x 96: every op of its blocks).
foreach(autoscheduler adams2019 li2018 mullapudi2016)
  add_test(NAME cli_autoschedule_${autoscheduler}
           COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/mobilenet_v2.json -DALPHA=0.35 -DSIZE=96
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/autoschedule_${autoscheduler}
                   -DSCHEDULE=${CMAKE_CURRENT_SOURCE_DIR}/schedules/autoschedule_${autoscheduler}.json -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
  set_tests_properties(cli_autoschedule_${autoscheduler} PROPERTIES PASS_REGULAR_EXPRESSION "autoschedule_${autoscheduler}.json.*prob .*: ok"
                       FAIL_REGULAR_EXPRESSION "FAIL|failed")
endforeach()
add_error_test(cli_error_schedule_autoscheduler 1 "bad_autoscheduler.json: field 'autoscheduler.name': unknown autoscheduler 'Adams2020' .Halide 14 has Adams2019, Li2018 and Mullapudi2016." compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_autoscheduler.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_tune_baselines 2 "--baselines: unknown baseline 'tvm'" tune ${SRC}/tests/models/tiny_net.json --search --trials 1 --baselines default,tvm)
add_error_test(cli_error_schedule_expand_strips 1 "bad_expand_strips.json: field 'fusion.expand_strips': expected an integer from 1 to 64, got 0" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_expand_strips.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_schedule_stage_fusion 1 "bad_stage_fusion.json: layer 'sep_pw': field 'stages.sep_pw.fusion.producer_at': expected .row. or .tile., got .col." compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_stage_fusion.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_schedule_stage_knob 1 "bad_stage_knob.json: layer 'sep_pw': field 'stages.sep_pw.conv.tile_pixel': unknown field \\(did you mean 'tile_pixels'\\?\\)" compile ${SRC}/tests/models/tiny_net.json --schedule ${CMAKE_CURRENT_SOURCE_DIR}/schedules/bad_stage_knob.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_schedule)
add_error_test(cli_error_tune_runs 2 "--runs" tune ${SRC}/tests/models/tiny_net.json --runs 3)

# Layer names as ONNX exporters write them ("/features/features.0/Conv") compile and run.
add_test(NAME cli_compile_check_odd_names
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/tests/models/odd_names.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/odd_names
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
set_tests_properties(cli_compile_check_odd_names PROPERTIES PASS_REGULAR_EXPRESSION "/Softmax .*: ok" FAIL_REGULAR_EXPRESSION "FAIL|failed")

# The C API channels-first with a batch of 3: netc check runs 3 different items through it
# (in process: the library's own transposition of its image outputs and batch loop), each
# against the reference.
add_test(NAME cli_compile_check_nchw_batch
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/tests/models/decoder_net.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/nchw_batch
                 "-DCOMPILE_ARGS=--layout\;nchw\;--batch\;3" -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
set_tests_properties(cli_compile_check_nchw_batch PROPERTIES PASS_REGULAR_EXPRESSION "a batch of 3 different items.*: ok" FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_error_test(cli_error_layout 2 "--layout must be nhwc or nchw, got 'chw'" compile ${SRC}/tests/models/tiny_net.json --layout chw)
add_error_test(cli_error_batch 2 "--batch expects an integer in \\[1, 65536\\], got '0'" compile ${SRC}/tests/models/tiny_net.json --batch 0)

add_error_test(cli_error_resize_needs_stretch 2 "--resize align-corners resizes the whole image: give --fit stretch" run ${SRC}/tests/tfjs_files/tiny/model.json --input ${SRC}/tests/images/ball_401x300.jpg --resize align-corners --normalize unit)
add_error_test(cli_error_resize_unknown 2 "--resize expects pil or align-corners, got 'cubic'" run ${SRC}/tests/tfjs_files/tiny/model.json --input ${SRC}/tests/images/ball_401x300.jpg --resize cubic)
# TF.js models, told by content: every unsupported layer listed in one error, by name; a shard
# shorter than its manifest says.
add_error_test(cli_error_tfjs_unsupported 1 "unsupported/model.json: 2 problems \\(TF.js layers model\\):.*layer 'conv' \\(Conv2D\\): activation .tanh. .*layer 'lstm' \\(LSTM\\): layer class not supported" compile ${SRC}/tests/tfjs_files/unsupported/model.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_tfjs)
add_error_test(cli_error_tfjs_graph_unsupported 1 "unsupported_graph/model.json: 2 problems \\(TF.js graph model\\):.*node 'elu' \\(Elu\\): op not supported.*node 'tanh' \\(Tanh\\): op not supported" compile ${SRC}/tests/tfjs_files/unsupported_graph/model.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_tfjs)
# Fields of the wrong JSON type, anywhere: each is named with its layer or node, none ends netc (an
# uncaught type error and std::stoll on a dimension once did, found by fuzzing).
add_error_test(cli_error_tfjs_malformed_graph 1 "malformed_graph/model.json: 6 problems \\(TF.js graph model\\):.*node 'second' \\(Placeholder\\): shape holds .four. where a whole number is needed.*node 'conv' \\(Conv2D\\): attribute strides holds .1x. where a whole number is needed.*node 'node5' \\(\\): expected a node \\(a JSON object\\), got 5.*node 'pool' \\(MaxPool\\): input 0 is missing.*node 'dense_t' \\(MatMul\\): transpose_a.*output 'odd': no node computes it" summary ${SRC}/tests/tfjs_files/malformed_graph/model.json)
add_error_test(cli_error_tfjs_malformed_layers 1 "malformed_layers/model.json: 5 problems \\(TF.js layers model\\):.*layer 'conv' \\(Conv2D\\): a field netc cannot read \\(.json.exception.type_error.302. type must be string, but is number\\).*layer 'dense' \\(Dense\\): units .ten. is not an integer.*layer 'layer3' \\(\\): expected a layer \\(a JSON object\\), got 7.*layer 'relu' \\(ReLU\\): max_value \\[6\\].*layer 'gap' \\(GlobalAveragePooling2D\\): inbound_nodes .input. is not a list of calls" summary ${SRC}/tests/tfjs_files/malformed_layers/model.json)
add_error_test(cli_error_bad_preprocess_file 1 "bad_preprocess/model.preprocess.json: field 'resize': expected .pil. or .align-corners., got .cubic." summary ${SRC}/tests/tfjs_files/bad_preprocess/model.json)
add_error_test(cli_error_photo_needs_normalization 1 "ball_401x300.jpg: layer 'x': field 'mean': the model says nothing of how its pixels are normalised: give --normalize imagenet.*or write them in .*graph_ops/model.preprocess.json" run ${SRC}/tests/tfjs_files/graph_ops/model.json --input ${SRC}/tests/images/ball_401x300.jpg --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_tfjs)
add_error_test(cli_error_tfjs_short_shard 1 "short_shard/model.json: layer 'conv/kernel': field 'weightsManifest\\[0\\].weights\\[0\\]': needs 24 bytes at offset 0, but the shards hold 20" summary ${SRC}/tests/tfjs_files/short_shard/model.json)

# ONNX files: every problem listed in one error; dynamic shapes; import then compile.
set(BAD_ONNX ${CMAKE_CURRENT_SOURCE_DIR}/onnx_files)
# An ONNX model takes its input as it declares it: a wrong shape is refused naming that shape.
add_error_test(cli_onnx_run_input_shape 1 "input_4x5x3.npy: layer 'x': field 'shape': has shape \\[4, 5, 3\\]. the model's input 'x' is \\[1, 3, 16, 16\\] \\(NCHW float32, as the model declares it\\)" run ${SRC}/tests/onnx_files/pytorch_ops.onnx --reference --input ${SRC}/tests/fuzz/seeds/npy/input_4x5x3.npy -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_onnx_unsupported_nodes 1 "unsupported_ops.onnx: 3 problems \\(ONNX opset 13\\):.*node 'elu' \\(Elu\\): op type not supported.*node 'pool_storage_order' \\(MaxPool\\): storage_order 1.*node 'tanh' \\(Tanh\\): op type not supported" summary ${BAD_ONNX}/unsupported_ops.onnx)
# Axes and permutations out of range (they once read and wrote outside the shape): every node named, nothing crashes.
add_error_test(cli_onnx_bad_axes 1 "bad_axes.onnx: 7 problems \\(ONNX opset 11\\):.*node 'perm_negative' \\(Transpose\\): perm is not a permutation of 0..3 \\(it has -1\\).*node 'perm_repeated'.*node 'concat_axis_99' \\(Concat\\): axis 99 is out of range.*node 'concat_axis_minus_99'.*node 'concat_no_inputs' \\(Concat\\): has no inputs.*node 'unsqueeze_minus_9' \\(Unsqueeze\\): axis -9 is out of range.*node 'flatten_axis_7' \\(Flatten\\): axis 7 is out of range" summary ${BAD_ONNX}/bad_axes.onnx)
# Strides, dilations and pads out of range (a stride of 0 once divided by zero): refused by node.
# The same discipline in constant folding (a Transpose perm past the rank was a heap overflow found by fuzzing).
# A NUL in an op type once cut the printed error short there, hiding the problems after it.
add_error_test(cli_onnx_nul_in_op_type 1 "3 problems.*node '/Softmax' \\(So.x00tmax\\): op type not supported.*node '/Add' \\(Add\\): input '/Mul_output_0' is computed by no node" summary ${SRC}/tests/fuzz/regressions/onnx/constant_chain_5m_values_three_times.onnx)
add_error_test(cli_onnx_bad_constant_ops 1 "bad_constant_ops.onnx: 7 problems \\(ONNX opset 11\\):.*node 'perm_too_long' \\(Transpose\\): perm has 3 axes, the input 2.*node 'perm_out_of_range' \\(Transpose\\): perm is not a permutation of 0..1.*node 'squeeze_axis_7' \\(Squeeze\\): axis 7 is out of range for rank 2.*node 'squeeze_not_1'.*node 'unsqueeze_twice' \\(Unsqueeze\\): an axis is given twice.*node 'gather_nan' \\(Gather\\): index nan is not a whole number.*node 'broadcast_10_10' \\(Add\\): the result's dimensions \\[100000, 100000\\] hold more than" summary ${BAD_ONNX}/bad_constant_ops.onnx)
add_error_test(cli_onnx_constant_reshape_size 1 "node '/Reshape_2' \\(Reshape\\): shape \\[4294967295, 301989888\\] holds another number of values than the input's 8" summary ${SRC}/tests/fuzz/regressions/onnx/constant_reshape_to_another_size.onnx)
add_error_test(cli_onnx_bad_windows 1 "bad_windows.onnx: 5 problems \\(ONNX opset 13\\):.*node 'stride_0' \\(Conv\\): stride 0 is out of range.*node 'stride_negative' \\(Conv\\): stride -1 is out of range.*node 'dilation_0' \\(Conv\\): dilation 0 is out of range.*node 'pad_2_40' \\(Conv\\): pad 1099511627776 is out of range.*node 'pool_stride_0' \\(MaxPool\\): stride 0 is out of range" summary ${BAD_ONNX}/bad_windows.onnx)
# Outputs nothing computes are errors, never dropped; input dimensions past 65536 are refused before use.
add_error_test(cli_onnx_no_producer 1 "no_producer.onnx: 2 problems \\(ONNX opset 13\\):.*node 'reads_itself' \\(Relu\\): input 'loop' is computed by no node before this one.*output 'ghost': no node computes it" summary ${BAD_ONNX}/no_producer.onnx)
add_error_test(cli_onnx_huge_input 1 "huge_input.onnx: layer 'x': field 'graph.input': input of shape \\[1, 3, 4294967304, 8\\]: a dimension past 65536" summary ${BAD_ONNX}/huge_input.onnx)
# Opsets netc cannot know the meaning of are refused, and so is an op whose definition at the
# model's opset is older than what netc implements (issue 19).
add_error_test(cli_onnx_opset_0 1 "opset_0.onnx: field 'opset_import': the model declares no ai.onnx opset" summary ${BAD_ONNX}/opset_0.onnx)
add_error_test(cli_onnx_opset_999 1 "opset_999.onnx: field 'opset_import': opset 999 is newer than the ONNX definitions netc is built with \\(opsets 1 to 1[0-9]\\)" summary ${BAD_ONNX}/opset_999.onnx)
add_error_test(cli_onnx_opset_1_add 1 "opset_1_add.onnx: 1 problem \\(ONNX opset 1\\):.*node 'add_v1' \\(Add\\): at opset 1 this is Add-1, whose meaning differs from the Add-7" summary ${BAD_ONNX}/opset_1_add.onnx)
add_error_test(cli_onnx_negative_batch 1 "negative_batch.onnx: layer 'x': field 'graph.input': dimension 0 is -5: sizes are positive" summary ${BAD_ONNX}/negative_batch.onnx)
add_error_test(cli_onnx_huge_initializer 1 "huge_initializer.onnx: 2 problems.*initializer 'huge': dimensions \\[1099511627776, 1099511627776, 16\\] hold more than the 134217728 elements.*initializer 'negative': negative dimension -4" summary ${BAD_ONNX}/huge_initializer.onnx)
add_error_test(cli_onnx_dilated_kernel_overflow 1 "dilated_kernel_overflow.onnx: 1 problem.*node 'wide_dilated' \\(Conv\\): the dilated kernel spans 2147483649 along width, outside 1..67108864" summary ${BAD_ONNX}/dilated_kernel_overflow.onnx)
add_error_test(cli_error_huge_input 1 "huge_input.json: layer 'input': field 'input.shape': input 16777216x16777216x16777216 holds more than the 2147483648 values" summary ${BAD}/huge_input.json)
add_error_test(cli_error_huge_weight 1 "huge_weight.json: layer 'fc': field 'fc.weight': shape \\[16777216, 192\\] holds more than the 2147483648 values" compile ${BAD}/huge_weight.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
# JSON nested 100,000 deep (a spec, a safetensors header) and tensors sharing bytes.
add_error_test(cli_error_deep_json 1 "deep_nesting.json: JSON nested deeper than 64 levels" summary ${BAD}/deep_nesting.json)
add_error_test(cli_error_deep_safetensors 1 "deep_header.safetensors: field 'header': JSON nested deeper than 64 levels" compile ${BAD}/deep_header_weights.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_error_overlapping_safetensors 1 "overlapping.safetensors: layer 'conv1.bias': field 'data_offsets': bytes 416..432 overlap tensor 'conv1.weight'|overlapping.safetensors: layer 'conv1.weight': field 'data_offsets': bytes 0..432 overlap tensor 'conv1.bias'" compile ${BAD}/overlapping_weights.json --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
add_error_test(cli_onnx_dynamic_size 1 "dynamic_size.onnx: layer 'x': field 'graph.input': dimension 2 is dynamic. give the shape with --input-shape N,C,H,W" summary ${BAD_ONNX}/dynamic_size.onnx)
add_error_test(cli_onnx_float16 1 "initializer 'w16': tensor type FLOAT16" summary ${BAD_ONNX}/float16_weights.onnx)
add_error_test(cli_onnx_no_multipliers 1 "field '--alpha': width and resolution multipliers apply to netc specs, not to ONNX files" summary ${BAD_ONNX}/dynamic_batch.onnx --alpha 0.5)
add_error_test(cli_onnx_bad_input_shape 2 "--input-shape expects positive integers" summary ${BAD_ONNX}/dynamic_size.onnx --input-shape 1,3,x,8)
add_error_test(cli_onnx_not_onnx 1 "malformed.json: not an ONNX model|not an ONNX model" summary ${BAD}/not_onnx.onnx)
add_test(NAME cli_onnx_input_shape_fixes_dynamic_size COMMAND ${NETC} summary ${BAD_ONNX}/dynamic_size.onnx --input-shape 1,3,10,12)
set_tests_properties(cli_onnx_input_shape_fixes_dynamic_size PROPERTIES PASS_REGULAR_EXPRESSION "x +input +10x12x3.*y +conv2d +8x10x4")
add_test(NAME cli_onnx_dynamic_batch_import_compile_check
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DMODEL=${BAD_ONNX}/dynamic_batch.onnx -DWORK=${CMAKE_CURRENT_BINARY_DIR}/import_dynamic_batch
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/import_then_check.cmake)
set_tests_properties(cli_onnx_dynamic_batch_import_compile_check PROPERTIES
                     PASS_REGULAR_EXPRESSION "notice: input 'x': dynamic batch dimension fixed to 1.*y +max abs diff .*: ok" FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_test(NAME cli_help_import COMMAND ${NETC} import --help)
set_tests_properties(cli_help_import PROPERTIES PASS_REGULAR_EXPRESSION "usage: netc import")
add_test(NAME cli_help_export COMMAND ${NETC} export --help)
set_tests_properties(cli_help_export PROPERTIES PASS_REGULAR_EXPRESSION "usage: netc export")

# A detector: netc run also decodes and prints the detections.
add_test(NAME cli_run_detector COMMAND ${NETC} run ${SRC}/models/mobilenet_ssd.json --input ${SRC}/models/images/ball_300.ppm
                                       --generated-dir ${CMAKE_BINARY_DIR}/generated -o ${CMAKE_CURRENT_BINARY_DIR}/run_ssd_out)
set_tests_properties(cli_run_detector PROPERTIES PASS_REGULAR_EXPRESSION "mbox_conf_softmax: \\[1, 1917, 21\\].*100 detections \\(score > 0.25, NMS IoU 0.45\\).*class +[0-9]+ +score" FAIL_REGULAR_EXPRESSION "FAIL|failed")
add_error_test(cli_error_detection_bad_feature_map 1 "detection_bad_feature_map.json: field 'detection.priors\\[0\\].feature_map': no layer or input is named 'conv99'" summary ${BAD}/detection_bad_feature_map.json)
add_error_test(cli_error_detection_wrong_count 1 "detection_wrong_count.json: layer 'loc': field 'detection.boxes': output 'loc' has 8 values \\(1x1x8\\), but 48 priors need 192 box encodings" summary ${BAD}/detection_wrong_count.json)
add_error_test(cli_error_image_header_past_file 1 "header_past_file_size.ppm: the header declares 100000x100000 pixels, more than the 67108864 netc decodes" run ${SRC}/tests/models/tiny_net.json --input ${SRC}/tests/fuzz/regressions/image/header_past_file_size.ppm --reference)
# Below the pixel limit but larger than the file: refused before memory is reserved too.
add_error_test(cli_error_image_ppm_past_file 1 "ppm_header_past_file.ppm: truncated image data: the header says 1000x1000 \\(3000000 bytes of pixels\\), the file holds 3" run ${SRC}/tests/models/tiny_net.json --input ${BAD}/ppm_header_past_file.ppm --reference -o ${CMAKE_CURRENT_BINARY_DIR}/bad_out)
# A photo of another size is resized (and cropped) to the input's: tiny_net's 17x15 from 224x224.
add_test(NAME cli_run_image_resized COMMAND ${NETC} run ${SRC}/tests/models/tiny_net.json --input ${SRC}/models/images/ball_224.ppm --reference
                                            -o ${CMAKE_CURRENT_BINARY_DIR}/run_resized_out)
set_tests_properties(cli_run_image_resized PROPERTIES PASS_REGULAR_EXPRESSION "prob: \\[7\\], .* -> ")
add_error_test(cli_error_add_shape_mismatch 1 "add_shape_mismatch.json: layer 'sum': field 'layers\\[1\\].inputs': add needs two tensors of the same shape, got 5x5x3 \\('input'\\) and 5x5x4 \\('wide'\\)" summary ${BAD}/add_shape_mismatch.json)
add_error_test(cli_error_add_needs_inputs 1 "add_single_input.json: layer 'sum': field 'layers\\[0\\].input': unknown field \\(did you mean 'inputs'\\?\\)" summary ${BAD}/add_single_input.json)

# Width and resolution multipliers: the paper's / Keras' figures, and one variant compiled
# and checked (the whole alpha x size grid is the `sweep_mobilenet_v1` target, not a test).
add_test(NAME cli_summary_mobilenet_v1_a050_160 COMMAND ${NETC} summary ${SRC}/models/mobilenet_v1.json --alpha 0.5 --input-size 160)
set_tests_properties(cli_summary_mobilenet_v1_a050_160 PROPERTIES PASS_REGULAR_EXPRESSION "mobilenet_v1_a050_160.*total: 1,331,592 parameters.*76\\.5M MACs")
add_test(NAME cli_check_mobilenet_v1_a050_160
         COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/mobilenet_v1.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/multipliers
                 -DALPHA=0.5 -DSIZE=160 -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
add_error_test(cli_error_bad_alpha 2 "--alpha expects a positive number" summary ${SRC}/models/mobilenet_v1.json --alpha -1)
add_error_test(cli_error_alpha_too_big 1 "field '--alpha': expected a width multiplier in \\(0, 4\\]" summary ${SRC}/models/mobilenet_v1.json --alpha 9)

set(sweep_steps)
foreach(alpha 1.0 0.75 0.5 0.25)
  foreach(size 224 192 160 128)
    list(APPEND sweep_steps COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSPEC=${SRC}/models/mobilenet_v1.json -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sweep
         -DALPHA=${alpha} -DSIZE=${size} -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_and_check.cmake)
  endforeach()
endforeach()
add_custom_target(sweep_mobilenet_v1 ${sweep_steps} DEPENDS netc COMMENT "MobileNetV1: every alpha x input size, compiled and checked" VERBATIM)

# Output paths reach cc and ar through a shell: spaces and quotes must survive.
add_test(NAME cli_compile_path_with_spaces
         COMMAND ${NETC} compile ${SRC}/tests/models/tiny_net.json --quiet --generated-dir "${CMAKE_CURRENT_BINARY_DIR}/dir with space/it's")
set_tests_properties(cli_compile_path_with_spaces PROPERTIES PASS_REGULAR_EXPRESSION "compiled tiny_net.*dir with space/it's/tiny_net/.*/libtiny_net.a")

# --- Atomic outputs (docs/reliability.md) -------------------------------------------
# netc compile puts a model's directory in place whole (built beside, renamed), and run/check/
# bench refuse one that is incomplete or compiled from another spec or weights. Kills are at
# named points (NETC_TEST_KILL_AT), not timed. Each phase compiles tiny_net into its own dir.
foreach(phase hash damaged killed killed_runtimes killed_first)
  add_test(NAME cli_atomic_outputs_${phase}
           COMMAND ${CMAKE_COMMAND} -DNETC=${NETC} -DSRC=${SRC} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/atomic_outputs_${phase} -DPHASE=${phase}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/atomic_outputs.cmake)
  set_tests_properties(cli_atomic_outputs_${phase} PROPERTIES PASS_REGULAR_EXPRESSION "atomic outputs ${phase}: passed"
                       FAIL_REGULAR_EXPRESSION "CMake Error" TIMEOUT 300)
endforeach()
# --- end of atomic outputs ------------------------------------------------------------------

# A schedule tuned on another device than this one: compile uses it and says so (issue 18, item 6).
add_test(NAME cli_compile_warns_foreign_device COMMAND ${NETC} compile ${SRC}/tests/models/tiny_net.json --schedule ${SRC}/tests/schedules/foreign_device.json
         --generated-dir ${CMAKE_CURRENT_BINARY_DIR}/foreign_device)
set_tests_properties(cli_compile_warns_foreign_device PROPERTIES PASS_REGULAR_EXPRESSION
                     "foreign_device.json was tuned on Imaginary CPU 9000 \\(avx2 fma\\), L2 2 MiB, 8 threads. this machine is .*: for its best speed here, tune here")
