# Generates driver_api_unsupported.cpp at build time: for every symbol of the driver's catalog
# (shim/cuda/driver_api_catalog.inc, driver_api_extra.inc) without a row in driver_api_entries.inc,
# an exported function that logs its name once and returns CUDA_ERROR_NOT_SUPPORTED. Clients that
# dlsym() the driver (cuBLASLt does) find every symbol NVIDIA's driver has; cuGetProcAddress
# answers with the same functions.
#   cmake -DSOURCE_DIR=<repo> -DOUTPUT=<file> -P generate_driver_api_stubs.cmake
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/driver_api_lists.cmake")
vgpu_read_driver_api("${SOURCE_DIR}/shim/cuda" implemented catalog)

set(symbols "")
foreach(row IN LISTS catalog)
  string(REPLACE "|" ";" fields "${row}")
  list(GET fields 3 symbol)
  if(NOT symbol IN_LIST implemented)
    list(APPEND symbols "${symbol}")
  endif()
endforeach()
list(REMOVE_DUPLICATES symbols)
list(SORT symbols)

set(functions "")
set(table "")
foreach(symbol IN LISTS symbols)
  string(APPEND functions "__attribute__((visibility(\"default\"))) int ${symbol}() {\n"
                          "  return vgpu::cuda::reportUnsupported(\"${symbol}\"), kNotSupported;\n}\n")
  string(APPEND table "    {\"${symbol}\", reinterpret_cast<void*>(&${symbol})},\n")
endforeach()

set(text "// Generated at build time by cmake/scripts/generate_driver_api_stubs.cmake: one exported function
// for each driver symbol without a row in driver_api_entries.inc. Each logs its name once and
// returns CUDA_ERROR_NOT_SUPPORTED, whatever its real signature (the caller's arguments are ignored).
// No cuda.h here: these definitions deliberately do not match its prototypes.
#include \"driver_api_unsupported.h\"

namespace {
constexpr int kNotSupported = 801; // CUDA_ERROR_NOT_SUPPORTED
} // namespace

extern \"C\" {
${functions}}

namespace vgpu::cuda {
const UnsupportedSymbol kUnsupportedSymbols[] = {
${table}};
const std::size_t kUnsupportedSymbolCount = sizeof kUnsupportedSymbols / sizeof kUnsupportedSymbols[0];
} // namespace vgpu::cuda
")

# Written only when it changes, so a touched list does not rebuild the stubs for nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" current)
  if(current STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${text}")
