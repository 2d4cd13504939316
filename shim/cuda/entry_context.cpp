// Entry points for contexts: explicit contexts, the per-thread current-context stack, and the
// primary context of each device.
#include "context_lifecycle.h"
#include "entry_common.h"

using namespace vgpu::cuda;

namespace {

constexpr unsigned kValidContextFlags = CU_CTX_SCHED_MASK | CU_CTX_MAP_HOST | CU_CTX_LMEM_RESIZE_TO_MAX |
                                        CU_CTX_COREDUMP_ENABLE | CU_CTX_USER_COREDUMP_ENABLE | CU_CTX_SYNC_MEMOPS;

CUresult createExplicit(CUcontext* out, unsigned flags, CUdevice device) {
  VGPU_REQUIRE_OUT(out);
  VGPU_REQUIRE_INIT();
  if (state().device(device) == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if ((flags & ~kValidContextFlags) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *out = createContext(device, flags, false);
  pushContext(*out); // a new context becomes current for the calling thread
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuCtxCreate_v2(CUcontext* context, unsigned int flags, CUdevice device) {
  return createExplicit(context, flags, device);
}

CUresult entry::cuCtxCreate_v3(CUcontext* context, CUexecAffinityParam* params, int count, unsigned int flags,
                               CUdevice device) {
  if (count > 0 && params != nullptr) {
    return CUDA_ERROR_NOT_SUPPORTED; // execution affinity (SM partitioning) is not presented
  }
  return createExplicit(context, flags, device);
}

CUresult entry::cuCtxCreate_v4(CUcontext* context, CUctxCreateParams* params, unsigned int flags, CUdevice device) {
  if (params != nullptr && (params->numExecAffinityParams > 0 || params->cigParams != nullptr)) {
    return CUDA_ERROR_NOT_SUPPORTED; // affinity and CIG contexts are not presented
  }
  return createExplicit(context, flags, device);
}

CUresult entry::cuCtxDestroy_v2(CUcontext context) {
  VGPU_REQUIRE_INIT();
  if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if (context->primary) {
    return CUDA_ERROR_INVALID_CONTEXT; // primary contexts are released, not destroyed
  }
  destroyContext(context);
  if (currentContext() == context) {
    popContext();
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxPushCurrent_v2(CUcontext context) {
  VGPU_REQUIRE_INIT();
  if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  pushContext(context);
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxPopCurrent_v2(CUcontext* context) {
  VGPU_REQUIRE_INIT();
  CUcontext top = popContext();
  if (top == nullptr) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  if (context != nullptr) {
    *context = top;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSetCurrent(CUcontext context) {
  VGPU_REQUIRE_INIT();
  if (context != nullptr) {
    if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
      return status;
    }
  }
  setCurrentContext(context);
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetCurrent(CUcontext* context) {
  VGPU_REQUIRE_OUT(context);
  VGPU_REQUIRE_INIT();
  *context = currentContext();
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetDevice(CUdevice* device) {
  VGPU_REQUIRE_OUT(device);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *device = context->device;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetFlags(unsigned int* flags) {
  VGPU_REQUIRE_OUT(flags);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *flags = context->flags;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSetFlags(unsigned int flags) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if ((flags & ~kValidContextFlags) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  context->flags = flags;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetId(CUcontext context, unsigned long long* id) {
  VGPU_REQUIRE_OUT(id);
  VGPU_REQUIRE_INIT();
  if (context == nullptr) {
    if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
      return status;
    }
  } else if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *id = context->id;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetApiVersion(CUcontext context, unsigned int* version) {
  VGPU_REQUIRE_OUT(version);
  VGPU_REQUIRE_INIT();
  if (context == nullptr) {
    if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
      return status;
    }
  } else if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *version = 3020; // the context API generation NVIDIA's driver reports for current contexts
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSynchronize(void) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().deviceSynchronize(context->device);
}

CUresult entry::cuCtxSynchronize_v2(CUcontext context) {
  VGPU_REQUIRE_INIT();
  if (context == nullptr) {
    return ::cuCtxSynchronize();
  }
  if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().deviceSynchronize(context->device);
}

CUresult entry::cuCtxGetLimit(size_t* value, CUlimit limit) {
  VGPU_REQUIRE_OUT(value);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  // What NVIDIA's driver 580 reports for a fresh context on an H100 (docs/gpu-results,
  // 2026-11-26-h100-remote-checks/context-limits.txt); the device runtime's sync depth and the CIG
  // shared-memory fallback are unsupported limits there too.
  static const std::map<CUlimit, std::size_t> kDefaults = {
      {CU_LIMIT_STACK_SIZE, 1024},
      {CU_LIMIT_PRINTF_FIFO_SIZE, 8650752},
      {CU_LIMIT_MALLOC_HEAP_SIZE, 8388608},
      {CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT, 2048},
      {CU_LIMIT_MAX_L2_FETCH_GRANULARITY, 64},
      {CU_LIMIT_PERSISTING_L2_CACHE_SIZE, 9830400},
      {CU_LIMIT_CIG_ENABLED, 0}, // an ordinary context, never a CUDA-in-graphics one (cuBLAS asks)
  };
  if (limit == CU_LIMIT_SHMEM_SIZE) {
    // Outside a CIG context: the device's opt-in shared memory per block.
    int optin = 0;
    const CUresult status =
        ::cuDeviceGetAttribute(&optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, context->device);
    *value = static_cast<std::size_t>(optin);
    return status;
  }
  const std::lock_guard lock(context->mutex);
  if (const auto it = context->limits.find(limit); it != context->limits.end()) {
    *value = it->second;
    return CUDA_SUCCESS;
  }
  const auto fallback = kDefaults.find(limit);
  if (fallback == kDefaults.end()) {
    return CUDA_ERROR_UNSUPPORTED_LIMIT;
  }
  *value = fallback->second;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSetLimit(CUlimit limit, size_t value) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  // As NVIDIA's driver 580 answers (the same capture as cuCtxGetLimit's defaults).
  if (limit == CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH || limit >= CU_LIMIT_CIG_SHMEM_FALLBACK_ENABLED) {
    return CUDA_ERROR_UNSUPPORTED_LIMIT;
  }
  if (limit == CU_LIMIT_SHMEM_SIZE || limit == CU_LIMIT_CIG_ENABLED) {
    return CUDA_ERROR_NOT_PERMITTED; // query-only
  }
  if (limit == CU_LIMIT_MAX_L2_FETCH_GRANULARITY && value > 128) {
    return CUDA_ERROR_INVALID_VALUE; // a hint between 0 and 128 bytes
  }
  const std::lock_guard lock(context->mutex);
  context->limits[limit] = value;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxGetCacheConfig(CUfunc_cache* config) {
  VGPU_REQUIRE_OUT(config);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *config = context->cacheConfig;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSetCacheConfig(CUfunc_cache config) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if (config > CU_FUNC_CACHE_PREFER_EQUAL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  context->cacheConfig = config;
  return CUDA_SUCCESS;
}

// Shared memory banks are four bytes wide and fixed on every GPU since Maxwell, which is every
// profile: the driver reports that width and, as documented, a set does nothing there.
CUresult entry::cuCtxGetSharedMemConfig(CUsharedconfig* config) {
  VGPU_REQUIRE_OUT(config);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *config = CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE;
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxSetSharedMemConfig(CUsharedconfig config) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return config <= CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuCtxGetStreamPriorityRange(int* leastPriority, int* greatestPriority) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  // NVIDIA's range on Volta and newer: 0 (least) … -5 (greatest).
  if (leastPriority != nullptr) {
    *leastPriority = 0;
  }
  if (greatestPriority != nullptr) {
    *greatestPriority = -5;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuCtxResetPersistingL2Cache(void) {
  CUcontext context = nullptr;
  return requireCurrentContext(context); // no line is ever persisted on the presented device
}

CUresult entry::cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
  VGPU_REQUIRE_OUT(context);
  return retainPrimaryContext(device, *context);
}

CUresult entry::cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  VGPU_REQUIRE_INIT();
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  CUcontext released = nullptr;
  {
    const std::lock_guard lock(record->primaryMutex);
    if (record->primaryReferences == 0) {
      return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (--record->primaryReferences == 0) {
      released = record->primary;
    }
  }
  // At zero references the context's state is torn down (cudart's destructors run) but the handle
  // stays the same, as with NVIDIA's driver: a later retain returns it again.
  if (released != nullptr) {
    releaseContextResources(released);
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuDevicePrimaryCtxRelease(CUdevice device) {
  return ::cuDevicePrimaryCtxRelease_v2(device);
}

CUresult entry::cuDevicePrimaryCtxSetFlags_v2(CUdevice device, unsigned int flags) {
  VGPU_REQUIRE_INIT();
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if ((flags & ~kValidContextFlags) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(record->primaryMutex);
  record->primaryFlags = flags;
  if (record->primary != nullptr) {
    record->primary->flags = flags;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuDevicePrimaryCtxSetFlags(CUdevice device, unsigned int flags) {
  return ::cuDevicePrimaryCtxSetFlags_v2(device, flags);
}

CUresult entry::cuDevicePrimaryCtxGetState(CUdevice device, unsigned int* flags, int* active) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_OUT(active);
  VGPU_REQUIRE_INIT();
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const std::lock_guard lock(record->primaryMutex);
  *flags = record->primaryFlags;
  *active = record->primaryReferences > 0 ? 1 : 0;
  return CUDA_SUCCESS;
}

CUresult entry::cuDevicePrimaryCtxReset_v2(CUdevice device) {
  VGPU_REQUIRE_INIT();
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  CUcontext primary = nullptr;
  {
    const std::lock_guard lock(record->primaryMutex);
    primary = record->primary;
    record->primaryReferences = 0;
  }
  // cudaDeviceReset: the context's state goes (destructors run), the handle stays the same.
  if (primary != nullptr) {
    releaseContextResources(primary);
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuDevicePrimaryCtxReset(CUdevice device) {
  return ::cuDevicePrimaryCtxReset_v2(device);
}

CUresult entry::cuCtxGetDevice_v2(CUdevice* device, CUcontext context) {
  VGPU_REQUIRE_OUT(device);
  VGPU_REQUIRE_INIT();
  if (context == nullptr) {
    return ::cuCtxGetDevice(device);
  }
  if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *device = context->device;
  return CUDA_SUCCESS;
}

// The first-generation names: same arguments and behaviour (NVIDIA's driver still exports them).
CUresult entry::cuCtxPushCurrent(CUcontext context) {
  return ::cuCtxPushCurrent_v2(context);
}
CUresult entry::cuCtxPopCurrent(CUcontext* context) {
  return ::cuCtxPopCurrent_v2(context);
}

CUresult entry::cuCtxEnablePeerAccess(CUcontext peer, unsigned int flags) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = checkContext(peer); status != CUDA_SUCCESS) {
    return status;
  }
  return CUDA_ERROR_PEER_ACCESS_UNSUPPORTED; // cuDeviceCanAccessPeer answers 0 for every pair
}

CUresult entry::cuCtxDisablePeerAccess(CUcontext peer) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = checkContext(peer); status != CUDA_SUCCESS) {
    return status;
  }
  return CUDA_ERROR_PEER_ACCESS_NOT_ENABLED;
}
