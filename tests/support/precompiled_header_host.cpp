// Empty on purpose: the target compiling it builds the precompiled header the Qt tests share
// (tests/CMakeLists.txt, cmake/VgpuPrecompiledHeaders.cmake).
