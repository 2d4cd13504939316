// Small helpers shared by the entry-point files: initialisation and out-pointer checks, and
// conversions between CUDA's argument forms and the backend's.
#pragma once

#include "driver_state.h"
#include "entry_points.h"

namespace vgpu::cuda {

// Every entry point that needs an initialised driver starts with this.
#define VGPU_REQUIRE_INIT()                                                                                            \
  do {                                                                                                                 \
    if (const CUresult vgpuInitStatus = ::vgpu::cuda::DriverState::instance().requireInitialized();                    \
        vgpuInitStatus != CUDA_SUCCESS) {                                                                              \
      return vgpuInitStatus;                                                                                           \
    }                                                                                                                  \
  } while (false)

#define VGPU_REQUIRE_OUT(pointer)                                                                                      \
  do {                                                                                                                 \
    if ((pointer) == nullptr) {                                                                                        \
      return CUDA_ERROR_INVALID_VALUE;                                                                                 \
    }                                                                                                                  \
  } while (false)

inline DriverState& state() {
  return DriverState::instance();
}

// A device pointer or a host pointer as a copy endpoint; with unified addressing the backend
// knows which a pointer is, so "unified" copies ask it.
CopyEndpoint deviceEndpoint(CUdeviceptr pointer, std::size_t pitch = 0);
CopyEndpoint hostEndpoint(const void* pointer, std::size_t pitch = 0);
CopyEndpoint unifiedEndpoint(CUdeviceptr pointer, std::size_t pitch = 0);

} // namespace vgpu::cuda
