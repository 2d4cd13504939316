// Entry points for memory pools and stream-ordered allocation (memory_pools.h).
#include "entry_common.h"
#include "memory_pools.h"

using namespace vgpu::cuda;

namespace {

CUresult requireDevice(CUdevice device) {
  VGPU_REQUIRE_INIT();
  return state().device(device) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

// A stream an asynchronous allocation or free is ordered on. Graph memory nodes are not built, so
// capturing them is refused rather than run at capture time.
CUresult orderingStream(CUstream stream, StreamTarget& target) {
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  return target.capture ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

CUresult allocateFromPool(CUdeviceptr* pointer, std::size_t bytes, CUmemoryPool pool, CUstream stream) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = orderingStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  int device = 0;
  if (bytes == 0 || !memory_pools::deviceOf(pool, device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Made now: memory that is valid before the stream reaches this point is valid when it does.
  if (const CUresult status = state().backend().memAlloc(device, bytes, *pointer); status != CUDA_SUCCESS) {
    return status;
  }
  memory_pools::recordAllocation(pool, *pointer, bytes);
  return CUDA_SUCCESS;
}

CUresult freeInStreamOrder(CUdeviceptr pointer, CUstream stream) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = orderingStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  // Released after the work queued before it on the stream, never under it.
  if (const CUresult status = state().backend().streamSynchronize(target.backend); status != CUDA_SUCCESS) {
    return status;
  }
  if (!memory_pools::forgetAllocation(pointer)) {
    return CUDA_ERROR_INVALID_VALUE; // not a stream-ordered allocation
  }
  return state().backend().memFree(pointer);
}

CUresult currentPoolOfStream(CUstream stream, CUmemoryPool& pool) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(target.context->device, pool);
}

} // namespace

CUresult entry::cuDeviceGetDefaultMemPool(CUmemoryPool* pool, CUdevice device) {
  VGPU_REQUIRE_OUT(pool);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::defaultPool(device, *pool);
}

CUresult entry::cuDeviceGetMemPool(CUmemoryPool* pool, CUdevice device) {
  VGPU_REQUIRE_OUT(pool);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(device, *pool);
}

CUresult entry::cuDeviceSetMemPool(CUdevice device, CUmemoryPool pool) {
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::setCurrentPool(device, pool);
}

CUresult entry::cuMemPoolCreate(CUmemoryPool* pool, const CUmemPoolProps* properties) {
  VGPU_REQUIRE_OUT(pool);
  VGPU_REQUIRE_OUT(properties);
  VGPU_REQUIRE_INIT();
  return memory_pools::create(*properties, state().deviceCount(), *pool);
}

CUresult entry::cuMemPoolDestroy(CUmemoryPool pool) {
  VGPU_REQUIRE_INIT();
  return memory_pools::destroy(pool);
}

CUresult entry::cuMemPoolGetAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value) {
  VGPU_REQUIRE_INIT();
  return memory_pools::getAttribute(pool, attribute, value);
}

CUresult entry::cuMemPoolSetAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value) {
  VGPU_REQUIRE_INIT();
  return memory_pools::setAttribute(pool, attribute, value);
}

CUresult entry::cuMemPoolTrimTo(CUmemoryPool pool, size_t keepBytes) {
  VGPU_REQUIRE_INIT();
  return memory_pools::trimTo(pool, keepBytes);
}

CUresult entry::cuMemPoolSetAccess(CUmemoryPool pool, const CUmemAccessDesc* descriptors, size_t count) {
  VGPU_REQUIRE_INIT();
  return memory_pools::setAccess(pool, descriptors, count, state().deviceCount());
}

CUresult entry::cuMemPoolGetAccess(CUmemAccess_flags* flags, CUmemoryPool pool, CUmemLocation* location) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_OUT(location);
  VGPU_REQUIRE_INIT();
  return memory_pools::getAccess(pool, *location, *flags);
}

CUresult entry::cuMemAllocAsync(CUdeviceptr* pointer, size_t bytes, CUstream stream) {
  CUmemoryPool pool = nullptr;
  if (const CUresult status = currentPoolOfStream(stream, pool); status != CUDA_SUCCESS) {
    return status;
  }
  return allocateFromPool(pointer, bytes, pool, stream);
}

CUresult entry::cuMemAllocFromPoolAsync(CUdeviceptr* pointer, size_t bytes, CUmemoryPool pool, CUstream stream) {
  return allocateFromPool(pointer, bytes, pool, stream);
}

CUresult entry::cuMemFreeAsync(CUdeviceptr pointer, CUstream stream) {
  return freeInStreamOrder(pointer, stream);
}
