# netc_add_model(<name> SPEC <spec.json>): compiles a model with `netc compile` at build time
# into ${CMAKE_BINARY_DIR}/generated and defines the library target netc_model_<name>
# (generated code + netc runtime + the Halide runtime for the host target).
function(netc_add_model name)
  cmake_parse_arguments(ARG "" "SPEC" "" ${ARGN})
  set(gen ${CMAKE_BINARY_DIR}/generated)
  set(dir ${gen}/${name}/host)
  # Any schedule file may be the one the model's fingerprint picks: a retuned or restamped
  # file recompiles the models.
  file(GLOB_RECURSE schedules CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/schedules/*.json)
  add_custom_command(
    OUTPUT ${dir}/lib${name}.a ${dir}/${name}.h ${dir}/libhalide_runtime.a
    COMMAND netc compile ${ARG_SPEC} --target host --generated-dir ${gen}
    DEPENDS netc netc_runtime ${ARG_SPEC} ${schedules}
    COMMENT "netc compile ${name}"
    VERBATIM)
  add_custom_target(netc_model_${name}_files DEPENDS ${dir}/lib${name}.a)
  add_library(netc_model_${name} INTERFACE)
  add_dependencies(netc_model_${name} netc_model_${name}_files)
  target_include_directories(netc_model_${name} INTERFACE ${dir})
  target_link_libraries(netc_model_${name} INTERFACE ${dir}/lib${name}.a netc_runtime ${dir}/libhalide_runtime.a
                        Threads::Threads ${CMAKE_DL_LIBS} m)
endfunction()
