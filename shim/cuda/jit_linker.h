// CUDA's JIT linker as the driver offers it (cuLinkCreate ... cuLinkComplete) needs a linker: the
// shim uses NVIDIA's own, libnvJitLink, loaded when the first link starts (never at load time),
// from the configured path (jit_linker) or by name. One NvJitLink is one link.
#pragma once

#include <cuda.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vgpu::cuda {

class NvJitLink {
public:
  // A link for `arguments` ("-arch=sm_90", ...); nullptr with `error` saying why (no library,
  // where it was looked for, or the linker's refusal of the arguments).
  static std::unique_ptr<NvJitLink> create(const std::string& configured, const std::vector<std::string>& arguments,
                                           std::string& error);
  ~NvJitLink();
  NvJitLink(const NvJitLink&) = delete;
  NvJitLink& operator=(const NvJitLink&) = delete;

  // One input of the driver's input type; the linker's refusal as the driver's code.
  CUresult add(CUjitInputType type, const void* data, std::size_t size, const char* name);
  // The linked cubin.
  CUresult complete(std::vector<std::uint8_t>& cubin);
  std::string infoLog() const;
  std::string errorLog() const;

private:
  struct Library;
  // One of the linker's logs, through its size and read entry points.
  std::string readLog(int (*size)(void*, std::size_t*), int (*read)(void*, char*)) const;
  NvJitLink(const Library& library, void* handle) : library_(library), handle_(handle) {}
  const Library& library_;
  void* handle_;
};

} // namespace vgpu::cuda
