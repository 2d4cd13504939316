// libFuzzer entry point: any bytes through format detection, container walking, decompression and
// the cubin/PTX parsers. Built only with clang (tests/module/CMakeLists.txt); seed it with
// build/<dir>/tests/module/fixtures and tests/data/modules/ptx.
#include "vgpu/module/cubin.h"
#include "vgpu/module/module_image.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto image = vgpu::module::parseModuleImage(std::span(data, size));
  if (image) {
    for (const vgpu::module::ModuleEntry& entry : image.value().entries) {
      (void)vgpu::module::describeEntry(entry);
    }
  }
  return 0;
}
