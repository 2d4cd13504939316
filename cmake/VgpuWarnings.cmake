# Warning flags every vgpu target gets; warnings are errors so the tree stays clean.
option(VGPU_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
add_library(vgpu_warnings INTERFACE)
target_compile_options(vgpu_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${VGPU_WARNINGS_AS_ERRORS}>:-Werror>)
