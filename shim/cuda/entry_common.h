// Small helpers shared by the entry-point files: initialisation and out-pointer checks, and
// conversions between CUDA's argument forms and the backend's.
#pragma once

#include "call_statistics.h"
#include "driver_state.h"
#include "entry_implementations.h"
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
// One side of a CUDA_MEMCPY2D/3D description (host, device, unified; arrays are NOT_SUPPORTED) at
// byte offset x of row y.
CopyEndpoint endpointFor(CUmemorytype type, const void* host, CUdeviceptr device, std::size_t pitch, std::size_t x,
                         std::size_t y, CUresult& status);

// A host NUMA node the machine has (a location the Unified Memory hints and host pools may name).
bool hostNumaNodeExists(int id);

// The stream a _ptsz entry point means: its NULL stream is the per-thread default stream.
inline CUstream perThread(CUstream stream) {
  return stream == nullptr ? CU_STREAM_PER_THREAD : stream;
}

} // namespace vgpu::cuda
