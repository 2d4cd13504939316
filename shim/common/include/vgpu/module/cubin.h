// What a kernel launch needs to know about a module: every kernel with its parameter layout
// (offsets and sizes, from EIATTR_KPARAM_INFO / EIATTR_PARAM_CBANK in `.nv.info.<kernel>` of a
// cubin, or from the `.entry` declaration in PTX) and the module's global variables. cuLaunchKernel
// passes parameters as an array of pointers without sizes; these layouts supply them.
#pragma once

#include "vgpu/module/module_image.h"
#include "vgpu/module/parse_result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vgpu::module {

struct KernelParam {
  std::uint32_t offset = 0; // byte offset in the parameter buffer
  std::uint32_t size = 0;   // bytes
};

struct KernelInfo {
  std::string name;                // as in the module (mangled for C++ kernels)
  std::vector<KernelParam> params; // by ordinal
  std::uint32_t paramBufferSize = 0;
  std::optional<std::uint32_t> maxThreadsPerBlock; // __launch_bounds__ / .maxntid
  std::optional<std::uint32_t> staticSharedSize;   // .nv.shared.<kernel> less the system's reserved
                                                   // window; PTX: .shared declared in the body
  std::optional<std::uint32_t> registers;          // EIATTR_REGCOUNT (cubin only)
};

struct GlobalInfo {
  std::string name;
  std::uint64_t size = 0;
  bool constant = false; // __constant__ (.nv.constant* / .const) rather than __device__
};

struct CubinInfo {
  int arch = 0; // SM architecture (cubin: ELF flags; PTX: .target)
  std::vector<KernelInfo> kernels;
  std::vector<GlobalInfo> globals;

  const KernelInfo* findKernel(std::string_view name) const;
  const GlobalInfo* findGlobal(std::string_view name) const;
};

inline constexpr std::uint16_t kEmCuda = 190;

ParseResult<CubinInfo> parseCubin(std::span<const std::uint8_t> elf);
ParseResult<CubinInfo> parsePtx(std::span<const std::uint8_t> text);
// Dispatches on the entry's kind; an unavailable or Other entry is an Unsupported error.
ParseResult<CubinInfo> describeEntry(const ModuleEntry& entry);

} // namespace vgpu::module
