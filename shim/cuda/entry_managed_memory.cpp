// The Unified Memory hints: cuMemPrefetchAsync (and its batch forms), cuMemAdvise,
// cuMemRangeGetAttribute(s) and cuStreamAttachMemAsync, both generations (a CUdevice, or a
// CUmemLocation since CUDA 12.2). Checked as the driver documents them: the range is managed memory
// (cuMemAllocManaged; no pageable memory, as the profiles' PAGEABLE_MEMORY_ACCESS is 0), a device
// location names a device with CONCURRENT_MANAGED_ACCESS, flags are 0, and prefetches are ordered
// on a valid stream that is not being captured. What they ask is kept per page (managed_hints.h)
// and reported back by the range attributes. Where the backend offers no managed memory (vgpud),
// every range is refused as not managed (CUDA_ERROR_INVALID_VALUE), as the driver refuses device
// memory.
#include "entry_common.h"
#include "managed_hints.h"
#include "operation.h"

#include "vgpu/device/device_discovery.h"

#include <filesystem>
#include <string>
#include <vector>

using namespace vgpu::cuda;

bool vgpu::cuda::hostNumaNodeExists(int id) {
  return id >= 0 && std::filesystem::exists("/sys/devices/system/node/node" + std::to_string(id));
}
using managed_hints::Location;

namespace {

// The managed allocation [base, base + size) holding all of [pointer, pointer + bytes).
CUresult managedRange(CUdeviceptr pointer, std::size_t bytes, CUdeviceptr& base, std::size_t& size) {
  VGPU_REQUIRE_INIT();
  PointerInfo info;
  if (pointer == 0 || bytes == 0 || state().backend().pointerInfo(pointer, info) != CUDA_SUCCESS ||
      info.kind != MemoryKind::Managed || pointer - info.base > info.size ||
      bytes > info.size - (pointer - info.base)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  base = info.base;
  size = info.size;
  return CUDA_SUCCESS;
}

bool concurrentManagedAccess(int ordinal) {
  const DeviceRecord* device = state().device(ordinal);
  int value = 0;
  return device != nullptr &&
         vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS, value) &&
         value != 0;
}

// A location as a hint may name it: a device with concurrent managed access, the host, a host
// NUMA node that exists, or the calling thread's (resolved to node 0, the node the profiles give).
CUresult checkLocation(const CUmemLocation& location, bool numaAllowed, Location& out) {
  switch (location.type) {
  case CU_MEM_LOCATION_TYPE_DEVICE:
    if (location.id < 0 || location.id >= state().deviceCount() || !concurrentManagedAccess(location.id)) {
      return CUDA_ERROR_INVALID_DEVICE;
    }
    out = {CU_MEM_LOCATION_TYPE_DEVICE, location.id};
    return CUDA_SUCCESS;
  case CU_MEM_LOCATION_TYPE_HOST: out = {CU_MEM_LOCATION_TYPE_HOST, 0}; return CUDA_SUCCESS;
  case CU_MEM_LOCATION_TYPE_HOST_NUMA:
    if (!numaAllowed || !hostNumaNodeExists(location.id)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    out = {CU_MEM_LOCATION_TYPE_HOST_NUMA, location.id};
    return CUDA_SUCCESS;
  case CU_MEM_LOCATION_TYPE_HOST_NUMA_CURRENT:
    if (!numaAllowed) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    out = {CU_MEM_LOCATION_TYPE_HOST_NUMA, 0};
    return CUDA_SUCCESS;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

// The first generation's CUdevice: an ordinal, or CU_DEVICE_CPU for the host.
CUmemLocation fromDevice(CUdevice device) {
  CUmemLocation location{};
  location.type = device == CU_DEVICE_CPU ? CU_MEM_LOCATION_TYPE_HOST : CU_MEM_LOCATION_TYPE_DEVICE;
  location.id = device == CU_DEVICE_CPU ? 0 : device;
  return location;
}

// A stream prefetches are ordered on: valid, not being captured, and (for the batch forms) not the
// legacy NULL stream.
CUresult prefetchStream(CUstream stream, bool batch) {
  if (batch && (stream == nullptr || stream == CU_STREAM_LEGACY)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  return target.capture ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

CUresult prefetch(CUdeviceptr pointer, std::size_t bytes, const CUmemLocation& where, unsigned flags, CUstream stream) {
  CUdeviceptr base = 0;
  std::size_t size = 0;
  if (const CUresult status = managedRange(pointer, bytes, base, size); status != CUDA_SUCCESS) {
    return status;
  }
  Location location;
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = checkLocation(where, true, location); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = prefetchStream(stream, false); status != CUDA_SUCCESS) {
    return status;
  }
  // Managed memory is one mapping both sides use here: nothing moves, the request is recorded.
  managed_hints::prefetched(base, size, pointer, bytes, location);
  return CUDA_SUCCESS;
}

CUresult advise(CUdeviceptr pointer, std::size_t bytes, CUmem_advise advice, const CUmemLocation& where) {
  CUdeviceptr base = 0;
  std::size_t size = 0;
  if (const CUresult status = managedRange(pointer, bytes, base, size); status != CUDA_SUCCESS) {
    return status;
  }
  Location location;
  switch (advice) {
  case CU_MEM_ADVISE_SET_READ_MOSTLY:
  case CU_MEM_ADVISE_UNSET_READ_MOSTLY:
  case CU_MEM_ADVISE_UNSET_PREFERRED_LOCATION: break; // the location is ignored
  case CU_MEM_ADVISE_SET_PREFERRED_LOCATION:
    if (const CUresult status = checkLocation(where, true, location); status != CUDA_SUCCESS) {
      return status;
    }
    break;
  case CU_MEM_ADVISE_SET_ACCESSED_BY:
  case CU_MEM_ADVISE_UNSET_ACCESSED_BY:
    // A device or the host only.
    if (const CUresult status = checkLocation(where, false, location); status != CUDA_SUCCESS) {
      return status;
    }
    break;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
  return managed_hints::advise(base, size, pointer, bytes, advice, location);
}

// The batch forms' arrays: `count` ranges, each with the location of the last index entry at or
// before it (indices start at 0 and rise, fewer locations than ranges). Every range is checked
// before any is recorded.
CUresult batch(CUdeviceptr* pointers, std::size_t* sizes, std::size_t count, CUmemLocation* locations,
               std::size_t* locationIndices, std::size_t locationCount, unsigned long long flags, CUstream stream,
               bool prefetches) {
  VGPU_REQUIRE_INIT();
  if (pointers == nullptr || sizes == nullptr || count == 0 || flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (prefetches) {
    if (locations == nullptr || locationIndices == nullptr || locationCount == 0 || locationCount > count ||
        locationIndices[0] != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    for (std::size_t i = 1; i < locationCount; ++i) {
      if (locationIndices[i] <= locationIndices[i - 1] || locationIndices[i] >= count) {
        return CUDA_ERROR_INVALID_VALUE;
      }
    }
  }
  for (int device = 0; device < state().deviceCount(); ++device) {
    if (!concurrentManagedAccess(device)) {
      return CUDA_ERROR_NOT_SUPPORTED; // every device must have it, as the driver documents
    }
  }
  if (const CUresult status = prefetchStream(stream, true); status != CUDA_SUCCESS) {
    return status;
  }
  struct Range {
    CUdeviceptr base = 0;
    std::size_t size = 0;
    Location location;
  };
  std::vector<Range> ranges(count);
  std::size_t entry = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (const CUresult status = managedRange(pointers[i], sizes[i], ranges[i].base, ranges[i].size);
        status != CUDA_SUCCESS) {
      return status;
    }
    if (prefetches) {
      while (entry + 1 < locationCount && locationIndices[entry + 1] <= i) {
        ++entry;
      }
      if (const CUresult status = checkLocation(locations[entry], true, ranges[i].location); status != CUDA_SUCCESS) {
        return status;
      }
    }
  }
  // A discard leaves the contents indeterminate: here they stay as they were, which is one such value.
  for (std::size_t i = 0; prefetches && i < count; ++i) {
    managed_hints::prefetched(ranges[i].base, ranges[i].size, pointers[i], sizes[i], ranges[i].location);
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuMemPrefetchAsync(CUdeviceptr pointer, size_t bytes, CUdevice device, CUstream stream) {
  return prefetch(pointer, bytes, fromDevice(device), 0, stream);
}
CUresult entry::cuMemPrefetchAsync_v2(CUdeviceptr pointer, size_t bytes, CUmemLocation location, unsigned int flags,
                                      CUstream stream) {
  return prefetch(pointer, bytes, location, flags, stream);
}
CUresult entry::cuMemAdvise(CUdeviceptr pointer, size_t bytes, CUmem_advise advice, CUdevice device) {
  return advise(pointer, bytes, advice, fromDevice(device));
}
CUresult entry::cuMemAdvise_v2(CUdeviceptr pointer, size_t bytes, CUmem_advise advice, CUmemLocation location) {
  return advise(pointer, bytes, advice, location);
}

CUresult entry::cuMemRangeGetAttribute(void* data, size_t dataSize, CUmem_range_attribute attribute,
                                       CUdeviceptr pointer, size_t bytes) {
  CUdeviceptr base = 0;
  std::size_t size = 0;
  if (const CUresult status = managedRange(pointer, bytes, base, size); status != CUDA_SUCCESS) {
    return status;
  }
  return managed_hints::attribute(base, size, pointer, bytes, attribute, data, dataSize);
}

CUresult entry::cuMemRangeGetAttributes(void** data, size_t* dataSizes, CUmem_range_attribute* attributes, size_t count,
                                        CUdeviceptr pointer, size_t bytes) {
  if (data == nullptr || dataSizes == nullptr || attributes == nullptr || count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (const CUresult status = entry::cuMemRangeGetAttribute(data[i], dataSizes[i], attributes[i], pointer, bytes);
        status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamAttachMemAsync(CUstream stream, CUdeviceptr pointer, size_t bytes, unsigned int flags) {
  VGPU_REQUIRE_INIT();
  if (flags != CU_MEM_ATTACH_GLOBAL && flags != CU_MEM_ATTACH_HOST && flags != CU_MEM_ATTACH_SINGLE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  PointerInfo info;
  // The whole allocation: `bytes` is 0 or its size, from its start.
  if (state().backend().pointerInfo(pointer, info) != CUDA_SUCCESS || info.kind != MemoryKind::Managed ||
      pointer != info.base || (bytes != 0 && bytes != info.size)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (flags == CU_MEM_ATTACH_SINGLE && target.stream == nullptr) {
    return CUDA_ERROR_INVALID_VALUE; // one stream's alone: a default stream is every stream's
  }
  // Managed memory is one mapping both sides use here, so which streams may touch it while the
  // device works changes nothing the simulation shows; the call is checked and ordered.
  return target.capture ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

CUresult entry::cuMemPrefetchBatchAsync(CUdeviceptr* pointers, size_t* sizes, size_t count, CUmemLocation* locations,
                                        size_t* locationIndices, size_t locationCount, unsigned long long flags,
                                        CUstream stream) {
  return batch(pointers, sizes, count, locations, locationIndices, locationCount, flags, stream, true);
}
CUresult entry::cuMemDiscardBatchAsync(CUdeviceptr* pointers, size_t* sizes, size_t count, unsigned long long flags,
                                       CUstream stream) {
  return batch(pointers, sizes, count, nullptr, nullptr, 0, flags, stream, false);
}
CUresult entry::cuMemDiscardAndPrefetchBatchAsync(CUdeviceptr* pointers, size_t* sizes, size_t count,
                                                  CUmemLocation* locations, size_t* locationIndices,
                                                  size_t locationCount, unsigned long long flags, CUstream stream) {
  return batch(pointers, sizes, count, locations, locationIndices, locationCount, flags, stream, true);
}
