// Entry points for the virtual memory management API ggml-cuda uses: physical allocations,
// address reservations, mapping and access.
#include "entry_common.h"

using namespace vgpu::cuda;

namespace {

CUresult validateProperties(const CUmemAllocationProp* prop) {
  if (prop == nullptr || prop->type != CU_MEM_ALLOCATION_TYPE_PINNED ||
      prop->location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (prop->requestedHandleTypes != CU_MEM_HANDLE_TYPE_NONE) {
    return CUDA_ERROR_NOT_SUPPORTED; // shareable handles (fd, fabric) are not presented
  }
  if (state().device(prop->location.id) == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return CUDA_SUCCESS;
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
  BackendPhysical physical = 0;
  if (const CUresult status = state().backend().physicalCreate(prop->location.id, size, physical);
      status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(state().vmmMutex);
  const CUmemGenericAllocationHandle id = state().nextVmmHandle++;
  state().vmmAllocations[id] = VmmAllocation{physical, size, prop->location.id};
  *handle = id;
  return CUDA_SUCCESS;
}

CUresult entry::cuMemRelease(CUmemGenericAllocationHandle handle) {
  VGPU_REQUIRE_INIT();
  VmmAllocation allocation;
  {
    const std::lock_guard lock(state().vmmMutex);
    const auto it = state().vmmAllocations.find(handle);
    if (it == state().vmmAllocations.end()) {
      return CUDA_ERROR_INVALID_VALUE; // unknown or already released
    }
    allocation = it->second;
    state().vmmAllocations.erase(it);
  }
  return state().backend().physicalRelease(allocation.backend);
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
  BackendPhysical physical = 0;
  {
    const std::lock_guard lock(state().vmmMutex);
    const auto it = state().vmmAllocations.find(handle);
    if (it == state().vmmAllocations.end()) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    physical = it->second.backend;
  }
  return state().backend().map(pointer, size, offset, physical);
}

CUresult entry::cuMemUnmap(CUdeviceptr pointer, size_t size) {
  VGPU_REQUIRE_INIT();
  return state().backend().unmap(pointer, size);
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
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuMemGetAllocationPropertiesFromHandle(CUmemAllocationProp* prop, CUmemGenericAllocationHandle handle) {
  VGPU_REQUIRE_OUT(prop);
  VGPU_REQUIRE_INIT();
  const std::lock_guard lock(state().vmmMutex);
  const auto it = state().vmmAllocations.find(handle);
  if (it == state().vmmAllocations.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *prop = CUmemAllocationProp{};
  prop->type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop->location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop->location.id = it->second.device;
  return CUDA_SUCCESS;
}
