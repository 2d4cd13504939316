// Entry points for memory: device, managed and pinned host allocations, registration, memory
// information and pointer attributes.
#include "entry_common.h"
#include "graph_memory.h"
#include "managed_hints.h"
#include "memory_pools.h"

#include <cstring>

using namespace vgpu::cuda;

namespace {

CUresult currentDevice(int& device) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  device = context->device;
  return CUDA_SUCCESS;
}

} // namespace

namespace vgpu::cuda {

CopyEndpoint deviceEndpoint(CUdeviceptr pointer, std::size_t pitch) {
  CopyEndpoint endpoint;
  endpoint.isDevice = true;
  endpoint.device = pointer;
  endpoint.pitch = pitch;
  return endpoint;
}

CopyEndpoint hostEndpoint(const void* pointer, std::size_t pitch) {
  CopyEndpoint endpoint;
  endpoint.isDevice = false;
  endpoint.host = const_cast<void*>(pointer);
  endpoint.pitch = pitch;
  return endpoint;
}

CopyEndpoint unifiedEndpoint(CUdeviceptr pointer, std::size_t pitch) {
  PointerInfo info;
  if (state().backend().pointerInfo(pointer, info) == CUDA_SUCCESS) {
    return deviceEndpoint(pointer, pitch); // any allocation the backend knows, host-side kinds included
  }
  return hostEndpoint(reinterpret_cast<const void*>(pointer), pitch); // pageable host memory
}

CopyEndpoint endpointFor(CUmemorytype type, const void* host, CUdeviceptr device, std::size_t pitch, std::size_t x,
                         std::size_t y, CUresult& status) {
  status = CUDA_SUCCESS;
  switch (type) {
  case CU_MEMORYTYPE_HOST: return hostEndpoint(static_cast<const std::uint8_t*>(host) + y * pitch + x, pitch);
  case CU_MEMORYTYPE_DEVICE: return deviceEndpoint(device + y * pitch + x, pitch);
  case CU_MEMORYTYPE_UNIFIED: return unifiedEndpoint(device + y * pitch + x, pitch);
  case CU_MEMORYTYPE_ARRAY:
    status = CUDA_ERROR_NOT_SUPPORTED; // CUDA arrays (texture memory) are not simulated
    return {};
  }
  status = CUDA_ERROR_INVALID_VALUE;
  return {};
}

} // namespace vgpu::cuda

CUresult entry::cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes) {
  VGPU_REQUIRE_OUT(pointer);
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return state().backend().memAlloc(device, bytes, *pointer);
}

CUresult entry::cuMemAllocPitch_v2(CUdeviceptr* pointer, size_t* pitch, size_t widthBytes, size_t height,
                                   unsigned int elementSize) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_OUT(pitch);
  if (elementSize != 4 && elementSize != 8 && elementSize != 16) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (widthBytes == 0 || height == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  // Rows aligned to the device's texture pitch alignment (512 bytes on every profiled GPU).
  constexpr std::size_t kPitchAlignment = 512;
  const std::size_t rowPitch = (widthBytes + kPitchAlignment - 1) / kPitchAlignment * kPitchAlignment;
  if (const CUresult status = state().backend().memAlloc(device, rowPitch * height, *pointer); status != CUDA_SUCCESS) {
    return status;
  }
  *pitch = rowPitch;
  return CUDA_SUCCESS;
}

CUresult entry::cuMemFree_v2(CUdeviceptr pointer) {
  VGPU_REQUIRE_INIT();
  if (pointer == 0) {
    return CUDA_SUCCESS; // freeing NULL is allowed, as in NVIDIA's driver
  }
  if (int device = 0; graph_memory::isAllocation(pointer, &device)) {
    // A graph allocation ends once the work already queued is done (graph_memory.h).
    if (const CUresult status = state().backend().deviceSynchronize(device); status != CUDA_SUCCESS) {
      return status;
    }
    return graph_memory::free(pointer);
  }
  // A stream-ordered allocation may be freed at once too (host pools' as host memory).
  if (auto how = memory_pools::Release::Device; memory_pools::forgetAllocation(pointer, &how)) {
    if (how == memory_pools::Release::Host) {
      return state().backend().hostFree(reinterpret_cast<void*>(pointer));
    }
    if (how == memory_pools::Release::Imported) {
      return state().backend().ipcClose(pointer); // another process's memory: closed, not freed
    }
  }
  managed_hints::forget(pointer); // a managed allocation's hints go with it
  {
    const std::lock_guard lock(state().syncMemopsMutex);
    state().syncMemops.erase(pointer);
  }
  return state().backend().memFree(pointer);
}

CUresult entry::cuMemAllocManaged(CUdeviceptr* pointer, size_t bytes, unsigned int flags) {
  VGPU_REQUIRE_OUT(pointer);
  if (bytes == 0 || (flags != CU_MEM_ATTACH_GLOBAL && flags != CU_MEM_ATTACH_HOST)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().memAllocManaged(device, bytes, *pointer);
}

CUresult entry::cuMemGetInfo_v2(size_t* freeBytes, size_t* totalBytes) {
  VGPU_REQUIRE_OUT(freeBytes);
  VGPU_REQUIRE_OUT(totalBytes);
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().memGetInfo(device, *freeBytes, *totalBytes);
}

CUresult entry::cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr pointer) {
  VGPU_REQUIRE_INIT();
  PointerInfo info;
  if (const CUresult status = state().backend().pointerInfo(pointer, info); status != CUDA_SUCCESS) {
    return CUDA_ERROR_NOT_FOUND;
  }
  if (base != nullptr) {
    *base = info.base;
  }
  if (size != nullptr) {
    *size = info.size;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuMemAllocHost_v2(void** pointer, size_t bytes) {
  VGPU_REQUIRE_OUT(pointer);
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().hostAlloc(bytes, *pointer);
}

CUresult entry::cuMemHostAlloc(void** pointer, size_t bytes, unsigned int flags) {
  VGPU_REQUIRE_OUT(pointer);
  constexpr unsigned kValid = CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED;
  if ((flags & ~kValid) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  int device = 0;
  if (const CUresult status = currentDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().hostAlloc(bytes, *pointer);
}

CUresult entry::cuMemFreeHost(void* pointer) {
  VGPU_REQUIRE_INIT();
  return state().backend().hostFree(pointer);
}

CUresult entry::cuMemHostGetDevicePointer_v2(CUdeviceptr* device, void* host, unsigned int flags) {
  VGPU_REQUIRE_OUT(device);
  VGPU_REQUIRE_INIT();
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  PointerInfo info;
  const auto address = reinterpret_cast<CUdeviceptr>(host);
  if (state().backend().pointerInfo(address, info) != CUDA_SUCCESS ||
      (info.kind != MemoryKind::Host && info.kind != MemoryKind::HostRegistered)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *device = address; // unified addressing: the device sees pinned memory at its host address
  return CUDA_SUCCESS;
}

CUresult entry::cuMemHostGetFlags(unsigned int* flags, void* host) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_INIT();
  PointerInfo info;
  if (state().backend().pointerInfo(reinterpret_cast<CUdeviceptr>(host), info) != CUDA_SUCCESS ||
      info.kind != MemoryKind::Host) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *flags = CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_PORTABLE;
  return CUDA_SUCCESS;
}

CUresult entry::cuMemHostRegister_v2(void* pointer, size_t bytes, unsigned int flags) {
  VGPU_REQUIRE_INIT();
  constexpr unsigned kValid = CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP | CU_MEMHOSTREGISTER_IOMEMORY |
                              CU_MEMHOSTREGISTER_READ_ONLY;
  if ((flags & ~kValid) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if ((flags & CU_MEMHOSTREGISTER_IOMEMORY) != 0) {
    return CUDA_ERROR_NOT_SUPPORTED; // I/O memory cannot be mapped into the simulated device
  }
  return state().backend().hostRegister(pointer, bytes);
}

CUresult entry::cuMemHostUnregister(void* pointer) {
  VGPU_REQUIRE_INIT();
  return state().backend().hostUnregister(pointer);
}

namespace {

CUresult pointerAttribute(void* data, CUpointer_attribute attribute, CUdeviceptr pointer) {
  PointerInfo info;
  const bool known = state().backend().pointerInfo(pointer, info) == CUDA_SUCCESS;
  auto put = [data](auto value) { std::memcpy(data, &value, sizeof value); };
  switch (attribute) {
  case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(static_cast<unsigned>(info.kind == MemoryKind::Device ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(pointer);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_HOST_POINTER:
    if (!known || info.hostPointer == nullptr) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(info.hostPointer);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_CONTEXT: {
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    // Allocations belong to the device's primary context in this shim (contexts share one
    // address space, as with unified addressing).
    DeviceRecord* record = state().device(info.device);
    put(record != nullptr ? record->primary : nullptr);
    return CUDA_SUCCESS;
  }
  case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(info.device);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_IS_MANAGED:
    put(static_cast<int>(known && info.kind == MemoryKind::Managed));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_MAPPED: put(static_cast<int>(known)); return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_BUFFER_ID:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(static_cast<unsigned long long>(info.allocationId));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(info.base);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
    if (!known) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    put(info.size);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_SYNC_MEMOPS: {
    const std::lock_guard lock(state().syncMemopsMutex);
    const auto mark = state().syncMemops.find(info.base);
    put(static_cast<int>(known && mark != state().syncMemops.end() && mark->second == info.allocationId));
    return known ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  }
  case CU_POINTER_ATTRIBUTE_IS_LEGACY_CUDA_IPC_CAPABLE:
  case CU_POINTER_ATTRIBUTE_IS_GPU_DIRECT_RDMA_CAPABLE:
    put(static_cast<int>(0));
    return known ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES:
    // VMM memory: the types its allocation was created (or imported) with.
    put(state().vmm.handleTypesAt(pointer).value_or(CU_MEM_HANDLE_TYPE_NONE));
    return known ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  case CU_POINTER_ATTRIBUTE_ACCESS_FLAGS:
    put(static_cast<unsigned>(CU_POINTER_ATTRIBUTE_ACCESS_FLAG_READWRITE));
    return known ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

} // namespace

CUresult entry::cuPointerGetAttribute(void* data, CUpointer_attribute attribute, CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(data);
  VGPU_REQUIRE_INIT();
  return pointerAttribute(data, attribute, pointer);
}

// SYNC_MEMOPS is the one attribute a program sets (UCX and MPI libraries do, on every buffer they
// register). Synchronous copies and memsets here always complete before they return, so the mark
// changes no behaviour: it is kept and reported, and nothing is pending when it is set.
CUresult entry::cuPointerSetAttribute(const void* value, CUpointer_attribute attribute, CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(value);
  VGPU_REQUIRE_INIT();
  int number = 0;
  std::memcpy(&number, &attribute, sizeof number); // the caller's integer, whatever it is
  if (number != CU_POINTER_ATTRIBUTE_SYNC_MEMOPS) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  PointerInfo info;
  if (state().backend().pointerInfo(pointer, info) != CUDA_SUCCESS || info.kind != MemoryKind::Device) {
    return CUDA_ERROR_INVALID_VALUE; // device memory only
  }
  unsigned int set = 0;
  std::memcpy(&set, value, sizeof set);
  const std::lock_guard lock(state().syncMemopsMutex);
  if (set != 0) {
    state().syncMemops[info.base] = info.allocationId;
  } else {
    state().syncMemops.erase(info.base);
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuPointerGetAttributes(unsigned int count, CUpointer_attribute* attributes, void** data,
                                       CUdeviceptr pointer) {
  VGPU_REQUIRE_INIT();
  if (count == 0 || attributes == nullptr || data == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Unlike cuPointerGetAttribute, an unknown pointer is not an error here: the attributes of
  // memory the driver does not know are "unregistered host memory" (memory type 0, NULL context).
  PointerInfo info;
  const bool known = state().backend().pointerInfo(pointer, info) == CUDA_SUCCESS;
  for (unsigned i = 0; i < count; ++i) {
    if (data[i] == nullptr) {
      continue;
    }
    if (!known) {
      switch (attributes[i]) {
      case CU_POINTER_ATTRIBUTE_CONTEXT:
      case CU_POINTER_ATTRIBUTE_HOST_POINTER: std::memset(data[i], 0, sizeof(void*)); continue;
      case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
      case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
      case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
      case CU_POINTER_ATTRIBUTE_BUFFER_ID:
      case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES: std::memset(data[i], 0, 8); continue;
      case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL: {
        const int none = -2; // what NVIDIA's driver reports for unregistered host memory
        std::memcpy(data[i], &none, sizeof none);
        continue;
      }
      default: std::memset(data[i], 0, sizeof(unsigned)); continue;
      }
    }
    if (const CUresult status = pointerAttribute(data[i], attributes[i], pointer); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}
