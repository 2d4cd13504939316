// Entry points for memory pools and stream-ordered allocation (memory_pools.h).
#include "entry_common.h"
#include "graph.h"
#include "graph_memory.h"
#include "memory_pools.h"

using namespace vgpu::cuda;

namespace {

CUresult requireDevice(CUdevice device) {
  VGPU_REQUIRE_INIT();
  return state().device(device) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

// Captured, a stream-ordered allocation becomes an allocation node of the capture's graph: its
// address is reserved now and its memory exists when a launch reaches the node (graph_memory.h).
CUresult captureAllocation(const StreamTarget& target, int device, std::size_t bytes, CUdeviceptr& pointer) {
  if (const CUresult status = graph_memory::reserveOnDevice(device, bytes, target.capture->graph, pointer);
      status != CUDA_SUCCESS) {
    return status;
  }
  Operation operation;
  operation.kind = Operation::Kind::GraphAlloc;
  operation.graphMemory = pointer;
  return submit(target, std::move(operation), true);
}

CUresult allocateFromPool(CUdeviceptr* pointer, std::size_t bytes, CUmemoryPool pool, CUstream stream) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  int device = 0;
  if (bytes == 0 || !memory_pools::deviceOf(pool, device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (memory_pools::isHostLocation(device)) {
    // Pinned host memory, mapped for every device (as cuMemHostAlloc's). A graph allocation node
    // of host memory is not built, so capturing one is refused.
    if (target.capture) {
      return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    void* host = nullptr;
    if (const CUresult status = state().backend().hostAlloc(bytes, host); status != CUDA_SUCCESS) {
      return status;
    }
    *pointer = reinterpret_cast<CUdeviceptr>(host);
    memory_pools::recordAllocation(pool, *pointer, bytes);
    return CUDA_SUCCESS;
  }
  if (target.capture) {
    return captureAllocation(target, device, bytes, *pointer);
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
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (graph_memory::isAllocation(pointer)) {
    // A free node when captured; otherwise ended in stream order like the node would.
    Operation operation;
    operation.kind = Operation::Kind::GraphFree;
    operation.graphMemory = pointer;
    return submit(target, std::move(operation), true);
  }
  if (target.capture) {
    // A free node may only free a graph allocation; a pool allocation freed inside a capture
    // would be released at capture time, so it is refused.
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  // Released after the work queued before it on the stream, never under it.
  if (const CUresult status = state().backend().streamSynchronize(target.backend); status != CUDA_SUCCESS) {
    return status;
  }
  bool host = false;
  if (!memory_pools::forgetAllocation(pointer, &host)) {
    return CUDA_ERROR_INVALID_VALUE; // not a stream-ordered allocation
  }
  return host ? state().backend().hostFree(reinterpret_cast<void*>(pointer)) : state().backend().memFree(pointer);
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

// The location-and-type forms (CUDA 13): a device's pinned pools are the device pools above, the
// host's and each host NUMA node's pinned pools pools of pinned host memory; pools of managed memory
// are not built (NOT_SUPPORTED); other combinations are invalid.
namespace {

// A pool location as memory_pools.h numbers it: a device that exists, the host, or a NUMA node
// that exists.
CUresult poolLocation(const CUmemLocation& location, int& out) {
  switch (location.type) {
  case CU_MEM_LOCATION_TYPE_DEVICE: out = location.id; return requireDevice(location.id);
  case CU_MEM_LOCATION_TYPE_HOST: out = memory_pools::kHostLocation; return CUDA_SUCCESS;
  case CU_MEM_LOCATION_TYPE_HOST_NUMA:
    out = memory_pools::hostNumaLocation(location.id);
    return hostNumaNodeExists(location.id) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult typedPoolLocation(const CUmemLocation* location, CUmemAllocationType type, int& out) {
  if (location == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (type == CU_MEM_ALLOCATION_TYPE_MANAGED) {
    return CUDA_ERROR_NOT_SUPPORTED; // pools of managed memory are not built
  }
  if (type != CU_MEM_ALLOCATION_TYPE_PINNED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  VGPU_REQUIRE_INIT();
  return poolLocation(*location, out);
}

} // namespace

CUresult entry::cuMemGetDefaultMemPool(CUmemoryPool* pool, CUmemLocation* location, CUmemAllocationType type) {
  VGPU_REQUIRE_OUT(pool);
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::defaultPool(where, *pool);
}

CUresult entry::cuMemGetMemPool(CUmemoryPool* pool, CUmemLocation* location, CUmemAllocationType type) {
  VGPU_REQUIRE_OUT(pool);
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(where, *pool);
}

CUresult entry::cuMemSetMemPool(CUmemLocation* location, CUmemAllocationType type, CUmemoryPool pool) {
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::setCurrentPool(where, pool); // only a pool of that location
}

CUresult entry::cuMemPoolCreate(CUmemoryPool* pool, const CUmemPoolProps* properties) {
  VGPU_REQUIRE_OUT(pool);
  VGPU_REQUIRE_OUT(properties);
  VGPU_REQUIRE_INIT();
  int where = 0;
  if (const CUresult status = poolLocation(properties->location, where); status != CUDA_SUCCESS) {
    return status == CUDA_ERROR_INVALID_DEVICE ? CUDA_ERROR_INVALID_VALUE : status;
  }
  return memory_pools::create(*properties, where, *pool);
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
