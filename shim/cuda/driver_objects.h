// The objects behind the opaque handles of cuda.h (CUcontext = CUctx_st*, ...). cuda.h only
// declares these structs; the shim defines them here. They live in HandleRegistry instances
// owned by DriverState.
#pragma once

#include "backend/execution_backend.h"
#include "stream_attributes.h"

#include <atomic>
#include <cuda.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vgpu::cuda {
struct GraphNode;
struct CaptureState;
} // namespace vgpu::cuda

struct CUctx_st {
  int device = 0;
  unsigned flags = 0;
  bool primary = false;
  unsigned long long id = 0; // cuCtxGetId
  std::mutex mutex;
  // Context-local storage of the dark API: key -> value and destructor, run when the context
  // is destroyed or reset.
  struct LocalValue {
    void* value = nullptr;
    void (*destructor)(CUcontext, void*, void*) = nullptr;
  };
  std::map<void*, LocalValue> localStorage;
  std::map<CUlimit, std::size_t> limits;
  CUfunc_cache cacheConfig = CU_FUNC_CACHE_PREFER_NONE;
  vgpu::cuda::StreamAttributes defaultStreamAttributes; // of its legacy and per-thread default streams
};

struct CUstream_st {
  CUcontext context = nullptr;
  vgpu::cuda::BackendStream backend = 0;
  unsigned flags = 0;
  int priority = 0;
  unsigned long long id = 0;
  vgpu::cuda::StreamAttributes attributes;           // cuStreamSetAttribute: kept and reported
  std::shared_ptr<vgpu::cuda::CaptureState> capture; // set while the stream is capturing
};

struct CUevent_st {
  CUcontext context = nullptr;
  vgpu::cuda::BackendEvent backend = 0;
  unsigned flags = 0;
  // When recorded in a capturing stream: the capture and the nodes the record depends on.
  std::shared_ptr<vgpu::cuda::CaptureState> capture;
  std::vector<CUgraphNode> captureNodes;
};

struct CUfunc_st;

struct CUmod_st {
  CUcontext context = nullptr;
  vgpu::cuda::BackendModule backend = 0;
  std::mutex mutex;
  std::map<std::string, CUfunction, std::less<>> functions;
  // The module's __managed__ variables as the host sees them (cuLibraryGetManaged): managed
  // allocations made on first request, freed with the module.
  std::map<std::string, CUdeviceptr, std::less<>> managed;
};

struct CUfunc_st {
  CUmodule module = nullptr;
  vgpu::cuda::BackendFunction backend = 0;
  const vgpu::cuda::KernelInfo* info = nullptr;
  int maxDynamicSharedSizeBytes = 0;
  int preferredSharedMemoryCarveout = -1;
  bool nonPortableClusterSizeAllowed = false; // clusters above 8 blocks (up to 16 on Hopper)
  CUfunc_cache cacheConfig = CU_FUNC_CACHE_PREFER_NONE;
};

// Context-independent libraries (cuLibraryLoadData): the module is loaded in the primary
// context of device 0 when it is first needed.
struct CUlib_st {
  std::vector<std::uint8_t> image;
  CUmodule module = nullptr;
  std::mutex mutex;
  std::map<std::string, CUkernel, std::less<>> kernels;
};

struct CUkern_st {
  CUlibrary library = nullptr;
  std::string name;
  CUfunction function = nullptr;
};
