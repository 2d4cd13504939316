// The exported stand-ins for driver symbols the shim does not implement (generated into
// driver_api_unsupported.cpp) and the one function they all call.
#pragma once

#include <cstddef>
#include <string_view>

namespace vgpu::cuda {

struct UnsupportedSymbol {
  const char* symbol;
  void* function;
};

extern const UnsupportedSymbol kUnsupportedSymbols[];
extern const std::size_t kUnsupportedSymbolCount;

// Logs "<symbol> is not supported" once per symbol (VGPU_LOG=warn).
void reportUnsupported(std::string_view symbol);

} // namespace vgpu::cuda
