# Test programs built with the CUDA toolkit's nvcc and linked against the toolkit's libcudart.so.13
# and the driver stub (at run time the shim, or NVIDIA's driver on a GPU machine, is libcuda.so.1).
# SASS for every profiled architecture (7.5 … 9.0) plus PTX for 9.0, as libraries ship them.
set(VGPU_NVCC_GENCODE
  -gencode arch=compute_75,code=sm_75
  -gencode arch=compute_80,code=sm_80
  -gencode arch=compute_89,code=sm_89
  "-gencode=arch=compute_90,code=[sm_90,compute_90]")

# vgpu_nvcc_program(<target> SOURCE <file.cu> OUTPUT <path> [LIBS ...] [DEPENDS ...])
function(vgpu_nvcc_program target)
  cmake_parse_arguments(arg "" "SOURCE;OUTPUT" "LIBS;DEPENDS" ${ARGN})
  get_filename_component(directory "${arg_OUTPUT}" DIRECTORY)
  get_filename_component(name "${arg_SOURCE}" NAME)
  add_custom_command(
    OUTPUT "${arg_OUTPUT}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${directory}"
    COMMAND "${VGPU_NVCC}" -O2 -std=c++17 -cudart shared ${VGPU_NVCC_GENCODE} "${arg_SOURCE}" -o "${arg_OUTPUT}"
            -Xlinker "-rpath=${CUDAToolkit_LIBRARY_DIR}" -L "${CUDAToolkit_LIBRARY_DIR}"
            -L "${CUDAToolkit_LIBRARY_DIR}/stubs" -lcuda ${arg_LIBS}
    DEPENDS "${arg_SOURCE}" ${arg_DEPENDS}
    COMMENT "nvcc ${name}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS "${arg_OUTPUT}")
endfunction()
