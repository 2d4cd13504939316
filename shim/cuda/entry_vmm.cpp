// Entry points of the virtual memory management API (ggml-cuda, PyTorch's expandable segments,
// NCCL): physical allocations, address reservations, mapping and access, retained handles, and
// memory shared between processes as POSIX file descriptors. What holds memory and what each
// address maps is counted in vmm_table.h.
#include "entry_common.h"

#include "vgpu/device/device_identity.h"
#include "vgpu/log.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

using namespace vgpu::cuda;

namespace {

constexpr unsigned long long kKnownHandleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR | CU_MEM_HANDLE_TYPE_WIN32 |
                                                 CU_MEM_HANDLE_TYPE_WIN32_KMT | CU_MEM_HANDLE_TYPE_FABRIC;

bool deviceOffers(int device, CUdevice_attribute attribute) {
  return presentedCapability(*state().device(device), attribute);
}

// Fabric handles cross nodes through NVIDIA's IMEX service, whose channel a guest does not have.
// NVIDIA's driver answers NOT_PERMITTED without one, and NCCL, XLA and TensorRT-LLM retry without
// the fabric type on that answer.
CUresult fabricRefused(const char* call) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Info, "driver",
                      "%s: fabric handles need an IMEX channel, which a vgpu guest does not have: "
                      "CUDA_ERROR_NOT_PERMITTED (POSIX file descriptors work)",
                      call);
  }
  return CUDA_ERROR_NOT_PERMITTED;
}

// The handle types a property block asks for, checked against what the device presents (its
// HANDLE_TYPE_*_SUPPORTED attributes); Windows handles do not exist on Linux.
CUresult validateHandleTypes(unsigned long long types, int device) {
  if ((types & ~kKnownHandleTypes) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if ((types & (CU_MEM_HANDLE_TYPE_WIN32 | CU_MEM_HANDLE_TYPE_WIN32_KMT)) != 0 ||
      ((types & CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) != 0 &&
       !deviceOffers(device, CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED)) ||
      ((types & CU_MEM_HANDLE_TYPE_FABRIC) != 0 &&
       !deviceOffers(device, CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_FABRIC_SUPPORTED))) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return CUDA_SUCCESS;
}

CUresult validateProperties(const CUmemAllocationProp* prop) {
  if (prop == nullptr || prop->type != CU_MEM_ALLOCATION_TYPE_PINNED ||
      prop->location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (state().device(prop->location.id) == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return validateHandleTypes(static_cast<unsigned long long>(prop->requestedHandleTypes), prop->location.id);
}

// The device an exported descriptor's memory belongs to, by the UUID it was created with.
int deviceTagged(const std::string& tag) {
  for (int ordinal = 0; ordinal < state().deviceCount(); ++ordinal) {
    if (vgpu::device::formatUuid(state().device(ordinal)->presented.uuid) == tag) {
      return ordinal;
    }
  }
  return -1;
}

} // namespace

CUresult entry::cuMemGetAllocationGranularity(size_t* granularity, const CUmemAllocationProp* prop,
                                              CUmemAllocationGranularity_flags option) {
  VGPU_REQUIRE_OUT(granularity);
  VGPU_REQUIRE_INIT();
  if (option != CU_MEM_ALLOC_GRANULARITY_MINIMUM && option != CU_MEM_ALLOC_GRANULARITY_RECOMMENDED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = validateProperties(prop); status != CUDA_SUCCESS) {
    return status;
  }
  *granularity = state().backend().allocationGranularity(prop->location.id);
  return CUDA_SUCCESS;
}

CUresult entry::cuMemCreate(CUmemGenericAllocationHandle* handle, size_t size, const CUmemAllocationProp* prop,
                            unsigned long long flags) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = validateProperties(prop); status != CUDA_SUCCESS) {
    return status;
  }
  const auto types = static_cast<unsigned long long>(prop->requestedHandleTypes);
  if ((types & CU_MEM_HANDLE_TYPE_FABRIC) != 0) {
    return fabricRefused("cuMemCreate");
  }
  const int device = prop->location.id;
  BackendPhysical physical = 0;
  const CUresult status =
      (types & CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) != 0
          ? state().backend().physicalCreateShareable(
                device, size, vgpu::device::formatUuid(state().device(device)->presented.uuid), physical)
          : state().backend().physicalCreate(device, size, physical);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  *handle = state().vmm.add(VmmAllocation{physical, size, device, types, prop->allocFlags.gpuDirectRDMACapable});
  return CUDA_SUCCESS;
}

CUresult entry::cuMemRelease(CUmemGenericAllocationHandle handle) {
  VGPU_REQUIRE_INIT();
  std::optional<BackendPhysical> release;
  if (const CUresult status = state().vmm.release(handle, release); status != CUDA_SUCCESS) {
    return status;
  }
  // Still mapped: the last cuMemUnmap frees it, as in the driver.
  return release ? state().backend().physicalRelease(*release) : CUDA_SUCCESS;
}

CUresult entry::cuMemRetainAllocationHandle(CUmemGenericAllocationHandle* handle, void* address) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  return state().vmm.retain(reinterpret_cast<CUdeviceptr>(address), *handle);
}

CUresult entry::cuMemExportToShareableHandle(void* shareableHandle, CUmemGenericAllocationHandle handle,
                                             CUmemAllocationHandleType handleType, unsigned long long flags) {
  VGPU_REQUIRE_OUT(shareableHandle);
  VGPU_REQUIRE_INIT();
  const auto allocation = state().vmm.find(handle);
  const auto type = static_cast<unsigned long long>(handleType);
  if (flags != 0 || !allocation || (type & (type - 1)) != 0 || (type & kKnownHandleTypes) == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = validateHandleTypes(type, allocation->device); status != CUDA_SUCCESS) {
    return status;
  }
  if ((allocation->handleTypes & type) == 0) {
    return CUDA_ERROR_INVALID_VALUE; // not requested when the memory was created
  }
  int fd = -1;
  if (const CUresult status = state().backend().physicalExport(allocation->backend, fd); status != CUDA_SUCCESS) {
    return status;
  }
  *static_cast<int*>(shareableHandle) = fd;
  return CUDA_SUCCESS;
}

CUresult entry::cuMemImportFromShareableHandle(CUmemGenericAllocationHandle* handle, void* osHandle,
                                               CUmemAllocationHandleType shHandleType) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  const auto type = static_cast<unsigned long long>(shHandleType);
  if (type == CU_MEM_HANDLE_TYPE_FABRIC) {
    return fabricRefused("cuMemImportFromShareableHandle");
  }
  if (type == CU_MEM_HANDLE_TYPE_WIN32 || type == CU_MEM_HANDLE_TYPE_WIN32_KMT) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  // A POSIX descriptor travels in the pointer's bits; it stays the caller's to close.
  const auto fd = static_cast<int>(reinterpret_cast<std::intptr_t>(osHandle));
  if (type != CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR || reinterpret_cast<std::intptr_t>(osHandle) != fd || fd < 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::string tag;
  std::size_t size = 0;
  if (const CUresult status = state().backend().physicalInspect(fd, tag, size); status != CUDA_SUCCESS) {
    return status;
  }
  const int device = deviceTagged(tag);
  if (device < 0) {
    return CUDA_ERROR_INVALID_DEVICE; // memory of a device this process does not see
  }
  BackendPhysical physical = 0;
  if (const CUresult status = state().backend().physicalImport(device, fd, physical); status != CUDA_SUCCESS) {
    return status;
  }
  *handle = state().vmm.add(VmmAllocation{physical, size, device, type, 0});
  return CUDA_SUCCESS;
}

CUresult entry::cuMemAddressReserve(CUdeviceptr* pointer, size_t size, size_t alignment, CUdeviceptr address,
                                    unsigned long long flags) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_INIT();
  if (flags != 0 || (alignment & (alignment - 1)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return state().backend().addressReserve(size, alignment, address, *pointer);
}

CUresult entry::cuMemAddressFree(CUdeviceptr pointer, size_t size) {
  VGPU_REQUIRE_INIT();
  return state().backend().addressFree(pointer, size);
}

CUresult entry::cuMemMap(CUdeviceptr pointer, size_t size, size_t offset, CUmemGenericAllocationHandle handle,
                         unsigned long long flags) {
  VGPU_REQUIRE_INIT();
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto allocation = state().vmm.find(handle);
  if (!allocation) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const CUresult status = state().backend().map(pointer, size, offset, allocation->backend);
  if (status == CUDA_SUCCESS) {
    state().vmm.mapped(pointer, size, handle);
  }
  return status;
}

CUresult entry::cuMemUnmap(CUdeviceptr pointer, size_t size) {
  VGPU_REQUIRE_INIT();
  if (const CUresult status = state().backend().unmap(pointer, size); status != CUDA_SUCCESS) {
    return status;
  }
  std::vector<BackendPhysical> release;
  state().vmm.unmapped(pointer, size, release);
  CUresult status = CUDA_SUCCESS;
  for (const BackendPhysical physical : release) {
    if (const CUresult released = state().backend().physicalRelease(physical); released != CUDA_SUCCESS) {
      status = released;
    }
  }
  return status;
}

CUresult entry::cuMemSetAccess(CUdeviceptr pointer, size_t size, const CUmemAccessDesc* descriptors, size_t count) {
  VGPU_REQUIRE_INIT();
  if (descriptors == nullptr || count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (size_t i = 0; i < count; ++i) {
    const CUmemAccessDesc& access = descriptors[i];
    if (access.location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
      return CUDA_ERROR_NOT_SUPPORTED; // host access to device VMM memory is not presented
    }
    if (access.flags != CU_MEM_ACCESS_FLAGS_PROT_READWRITE && access.flags != CU_MEM_ACCESS_FLAGS_PROT_READ &&
        access.flags != CU_MEM_ACCESS_FLAGS_PROT_NONE) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (const CUresult status = state().backend().setAccess(pointer, size, access.location.id,
                                                            access.flags == CU_MEM_ACCESS_FLAGS_PROT_READWRITE);
        status != CUDA_SUCCESS) {
      return status;
    }
    state().vmm.accessSet(pointer, size, access.location.id, access.flags);
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuMemGetAccess(unsigned long long* flags, const CUmemLocation* location, CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_OUT(location);
  VGPU_REQUIRE_INIT();
  if (location->type == CU_MEM_LOCATION_TYPE_DEVICE) {
    if (state().device(location->id) == nullptr) {
      return CUDA_ERROR_INVALID_DEVICE;
    }
    return state().vmm.access(pointer, location->id, *flags);
  }
  if (location->type == CU_MEM_LOCATION_TYPE_HOST) {
    // The host is never given access to device VMM memory here (cuMemSetAccess refuses it).
    unsigned long long ignored = 0;
    const CUresult status = state().vmm.access(pointer, 0, ignored);
    *flags = CU_MEM_ACCESS_FLAGS_PROT_NONE;
    return status;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuMemGetAllocationPropertiesFromHandle(CUmemAllocationProp* prop, CUmemGenericAllocationHandle handle) {
  VGPU_REQUIRE_OUT(prop);
  VGPU_REQUIRE_INIT();
  const auto allocation = state().vmm.find(handle);
  if (!allocation) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *prop = CUmemAllocationProp{};
  prop->type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop->location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop->location.id = allocation->device;
  prop->requestedHandleTypes = static_cast<CUmemAllocationHandleType>(allocation->handleTypes);
  prop->allocFlags.gpuDirectRDMACapable = allocation->rdmaCapable;
  return CUDA_SUCCESS;
}
