# Precompiled headers for the Qt targets: Qt's headers are most of what a controller, console or
# Qt test file costs to compile, and CI builds the tree four times (default, asan, tsan, the
# packages) within its time budget. Measured on the controller library (81 files, 2 cores):
# 130 s without, 85 s with. The headers (cmake/pch/) hold only Qt's and the standard library's
# headers, so editing ours never rebuilds them; a header that does not fit a file's flags is
# rejected by the compiler, which then parses the text as usual (correct, only slower).
option(VGPU_PRECOMPILED_HEADERS "Precompile Qt's headers for the Qt targets" ON)

set(VGPU_PCH_QT_CORE "${PROJECT_SOURCE_DIR}/cmake/pch/qt_core.h")
set(VGPU_PCH_QT_WIDGETS "${PROJECT_SOURCE_DIR}/cmake/pch/qt_widgets.h")

# vgpu_precompile_qt(<target> core|widgets): the target's own files use the precompiled header.
function(vgpu_precompile_qt target kind)
  if(NOT VGPU_PRECOMPILED_HEADERS)
    return()
  endif()
  if(kind STREQUAL "widgets")
    target_precompile_headers(${target} PRIVATE "${VGPU_PCH_QT_WIDGETS}")
  else()
    target_precompile_headers(${target} PRIVATE "${VGPU_PCH_QT_CORE}")
  endif()
endfunction()

# vgpu_reuse_precompiled(<target> <from>): a test of one or two files would spend more building
# its own header than it saves, so the Qt tests share one built by <from>, a target compiled with
# the same flags and definitions. GCC checks that the flags fit and falls back to the text when
# they do not; clang makes a mismatch an error, so the sharing is GCC's only.
function(vgpu_reuse_precompiled target from)
  if(VGPU_PRECOMPILED_HEADERS AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()
