// The JIT options of cuLinkCreate and cuModuleLoadDataEx (CUjit_option with a value each, cast to
// void*): checked, the ones that steer linking kept, and the output options written back as the
// driver documents — the info and error logs into the caller's buffers (NUL-terminated, cut to
// fit), the bytes each holds into its *_SIZE_BYTES value, the wall time into CU_JIT_WALL_TIME's.
#pragma once

#include <cuda.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::cuda {

struct JitOptions {
  void** values = nullptr; // the caller's array: outputs are written here (it must outlive a link)
  char* infoLog = nullptr;
  std::size_t infoLogBytes = 0;
  int infoLogSizeIndex = -1;
  char* errorLog = nullptr;
  std::size_t errorLogBytes = 0;
  int errorLogSizeIndex = -1;
  int wallTimeIndex = -1;
  bool verbose = false;
  bool debugInfo = false;
  bool lineInfo = false;
  std::optional<unsigned> maxRegisters;
  std::optional<unsigned> optimizationLevel;
  std::optional<unsigned> target; // CUjit_target: a compute capability times ten, maybe accelerated
};

// CUDA_ERROR_INVALID_VALUE for an option id the driver does not define or a buffer without its size.
CUresult parseJitOptions(unsigned count, const CUjit_option* options, void** values, JitOptions& out);

// Writes the logs and the wall time back where the options asked for them.
void reportJitOutputs(const JitOptions& options, std::string_view info, std::string_view error, float milliseconds);

// nvJitLink's options for these: "-arch=sm_NN" (the target, else `computeCapability` as major*10+minor),
// and the register, optimisation, debug and verbose options given.
std::vector<std::string> linkerArguments(const JitOptions& options, int computeCapability);

} // namespace vgpu::cuda
