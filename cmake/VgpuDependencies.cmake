# Finds every external dependency once, with an error that names what is missing and how to get it.
# All of them are Debian 12 packages (installed by scripts/dev) or the CUDA toolkit headers.

set(_vgpu_install_hint "run `scripts/dev deps` (installs the Debian packages listed in scripts/debian-packages.txt)")

macro(vgpu_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "vgpu: ${name} not found. It comes from the Debian package '${debian_package}'; ${_vgpu_install_hint}.")
  endif()
endmacro()

# Qt 6 (controller, console, vgpuctl). Never linked by shim targets: see VgpuShimRules.cmake.
vgpu_require_package(Qt6 "qt6-base-dev, qt6-tools-dev, qt6-l10n-tools, qt6-svg-dev"
  COMPONENTS Core DBus Network Gui Widgets PrintSupport Svg Test LinguistTools)
vgpu_require_package(QCustomPlotQt6 "libqcustomplot-dev")
vgpu_require_package(Catch2 "catch2")
if(Catch2_VERSION VERSION_GREATER_EQUAL 3 OR Catch2_VERSION VERSION_LESS 2.13)
  message(FATAL_ERROR "vgpu: Catch2 2.13 is required (Debian 12 package 'catch2'), found ${Catch2_VERSION}")
endif()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "vgpu: pkg-config not found (Debian package 'pkg-config'); ${_vgpu_install_hint}.")
endif()
pkg_check_modules(LIBPCI IMPORTED_TARGET libpci)
if(NOT LIBPCI_FOUND)
  message(FATAL_ERROR "vgpu: libpci not found (Debian package 'libpci-dev'); ${_vgpu_install_hint}.")
endif()
pkg_check_modules(LIBSYSTEMD IMPORTED_TARGET libsystemd)
if(NOT LIBSYSTEMD_FOUND)
  message(FATAL_ERROR "vgpu: libsystemd not found (Debian package 'libsystemd-dev'); ${_vgpu_install_hint}.")
endif()

# CUDA: only the headers (cuda.h, nvml.h). The shims implement these APIs; they never link NVIDIA's
# libraries. nvcc is used by tests that build real CUDA programs as clients of the shim.
find_package(CUDAToolkit QUIET)
if(NOT CUDAToolkit_FOUND)
  message(FATAL_ERROR
    "vgpu: the CUDA toolkit was not found (looked for nvcc and cuda.h under /usr/local/cuda and CUDAToolkit_ROOT). "
    "Install the CUDA 13 toolkit or pass -DCUDAToolkit_ROOT=<dir>.")
endif()
find_path(VGPU_CUDA_INCLUDE_DIR cuda.h HINTS ${CUDAToolkit_INCLUDE_DIRS} NO_DEFAULT_PATH)
if(NOT VGPU_CUDA_INCLUDE_DIR)
  message(FATAL_ERROR "vgpu: cuda.h not found in ${CUDAToolkit_INCLUDE_DIRS}; the CUDA toolkit installation is incomplete.")
endif()
# Some toolkit layouts (the pip-wheel based one on these machines) ship no nvml.h. Debian's
# libnvidia-ml-dev (non-free) has it; scripts/dev fetches that package into .deps/ without
# touching the machine's apt configuration.
find_path(VGPU_NVML_INCLUDE_DIR nvml.h
  HINTS ${CUDAToolkit_INCLUDE_DIRS} "${CMAKE_SOURCE_DIR}/.deps/libnvidia-ml-dev/usr/include"
  NO_DEFAULT_PATH)
if(NOT VGPU_NVML_INCLUDE_DIR)
  message(FATAL_ERROR
    "vgpu: nvml.h not found in ${CUDAToolkit_INCLUDE_DIRS} nor in .deps/libnvidia-ml-dev. "
    "Run `scripts/dev deps` (fetches Debian's libnvidia-ml-dev into .deps/) or pass -DVGPU_NVML_INCLUDE_DIR=<dir>.")
endif()

# Header-only views of the CUDA APIs the shims implement. SYSTEM: NVIDIA's headers are not ours to lint.
add_library(vgpu_cuda_headers INTERFACE)
target_include_directories(vgpu_cuda_headers SYSTEM INTERFACE "${VGPU_CUDA_INCLUDE_DIR}")
add_library(vgpu_nvml_headers INTERFACE)
target_include_directories(vgpu_nvml_headers SYSTEM INTERFACE "${VGPU_NVML_INCLUDE_DIR}")

find_program(VGPU_NVCC nvcc HINTS "${CUDAToolkit_BIN_DIR}" NO_DEFAULT_PATH)
find_program(VGPU_READELF readelf)
