# Configures tests/build/shim_rules_project three ways and checks the outcome of each:
# a clean shim target configures; a shim target linking Qt directly or through a library fails
# with the rule's message.
set(project_dir "${CMAKE_CURRENT_LIST_DIR}/shim_rules_project")

function(configure_case name expect_success)
  set(build_dir "${WORK_DIR}/${name}")
  file(REMOVE_RECURSE "${build_dir}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S "${project_dir}" -B "${build_dir}" -G "${GENERATOR}"
            -DVGPU_SOURCE_DIR=${VGPU_SOURCE_DIR} -DVGPU_CASE=${name}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
  if(expect_success)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "case '${name}': a Qt-free shim target failed to configure:\n${error}")
    endif()
  else()
    if(result EQUAL 0)
      message(FATAL_ERROR "case '${name}': a shim target linking Qt configured successfully")
    endif()
    if(NOT error MATCHES "shim target 'fake_shim' depends on 'Qt6::Core'")
      message(FATAL_ERROR "case '${name}': configure failed, but not with the shim rule:\n${error}")
    endif()
  endif()
  message(STATUS "case '${name}': as expected")
endfunction()

configure_case(clean TRUE)
configure_case(direct FALSE)
configure_case(transitive FALSE)
