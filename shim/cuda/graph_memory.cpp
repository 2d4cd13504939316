// The allocations behind graph_memory.h, keyed by their reserved address, on the backend's VMM:
// reserve at the node's creation, create + map + set access when a launch reaches it, unmap +
// release at its free, and free the address once no graph, executable or live memory needs it.
#include "graph_memory.h"

#include "entry_common.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace vgpu::cuda::graph_memory {
namespace {

struct Allocation {
  int device = 0;
  std::size_t requested = 0; // the node's bytesize
  std::size_t bytes = 0;     // rounded up to the device's granularity
  CUmemPoolProps poolProps{};
  std::vector<CUmemAccessDesc> access;
  CUgraph owner = nullptr;          // nullptr once its graph is destroyed
  const void* executable = nullptr; // the one executable of its graph, if any
  BackendPhysical physical = 0;
  bool live = false;
};

struct Figures {
  std::uint64_t used = 0;
  std::uint64_t usedHigh = 0;
};

struct Registry {
  std::mutex mutex;
  std::map<CUdeviceptr, Allocation> allocations;
  std::map<int, Figures> figures;
};

Registry& registry() {
  static Registry* const all = new Registry; // never destroyed: used until the last exit-time call
  return *all;
}

std::size_t roundUp(std::size_t bytes, std::size_t granularity) {
  return granularity == 0 ? bytes : (bytes + granularity - 1) / granularity * granularity;
}

CUresult reserveLocked(Registry& all, Allocation allocation, CUdeviceptr& out) {
  ExecutionBackend& backend = state().backend();
  const std::size_t granularity = backend.allocationGranularity(allocation.device);
  allocation.bytes = roundUp(allocation.requested, granularity);
  if (allocation.bytes < allocation.requested) {
    return CUDA_ERROR_INVALID_VALUE; // the rounding overflowed
  }
  if (const CUresult status = backend.addressReserve(allocation.bytes, granularity, 0, out); status != CUDA_SUCCESS) {
    return status;
  }
  all.allocations[out] = std::move(allocation);
  return CUDA_SUCCESS;
}

// Frees the address once nothing can use it again: no graph holds the node, no executable can
// relaunch it and its memory is not live.
void releaseIfUnused(Registry& all, std::map<CUdeviceptr, Allocation>::iterator it) {
  const Allocation& allocation = it->second;
  if (allocation.owner != nullptr || allocation.executable != nullptr || allocation.live) {
    return;
  }
  state().backend().addressFree(it->first, allocation.bytes);
  all.allocations.erase(it);
}

CUresult validAccess(const CUmemAccessDesc& descriptor, int deviceCount) {
  if (descriptor.location.type != CU_MEM_LOCATION_TYPE_DEVICE || descriptor.location.id < 0 ||
      descriptor.location.id >= deviceCount) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (descriptor.flags) {
  case CU_MEM_ACCESS_FLAGS_PROT_NONE:
  case CU_MEM_ACCESS_FLAGS_PROT_READ:
  case CU_MEM_ACCESS_FLAGS_PROT_READWRITE: return CUDA_SUCCESS;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

// Maps the allocation's new physical memory with the access its node asked for: always the owning
// device, then the peers its descriptors name.
CUresult mapWithAccess(CUdeviceptr pointer, const Allocation& allocation) {
  ExecutionBackend& backend = state().backend();
  if (const CUresult status = backend.map(pointer, allocation.bytes, 0, allocation.physical); status != CUDA_SUCCESS) {
    return status;
  }
  CUresult status = backend.setAccess(pointer, allocation.bytes, allocation.device, true);
  for (const CUmemAccessDesc& peer : allocation.access) {
    if (status == CUDA_SUCCESS && peer.location.id != allocation.device &&
        peer.flags != CU_MEM_ACCESS_FLAGS_PROT_NONE) {
      status = backend.setAccess(pointer, allocation.bytes, peer.location.id,
                                 peer.flags == CU_MEM_ACCESS_FLAGS_PROT_READWRITE);
    }
  }
  if (status != CUDA_SUCCESS) {
    backend.unmap(pointer, allocation.bytes);
  }
  return status;
}

} // namespace

CUresult reserve(CUDA_MEM_ALLOC_NODE_PARAMS& params, int deviceCount, CUgraph owner) {
  const CUmemPoolProps& pool = params.poolProps;
  if (params.bytesize == 0 || pool.allocType != CU_MEM_ALLOCATION_TYPE_PINNED ||
      pool.location.type != CU_MEM_LOCATION_TYPE_DEVICE || pool.location.id < 0 || pool.location.id >= deviceCount ||
      pool.handleTypes != CU_MEM_HANDLE_TYPE_NONE || params.accessDescCount > static_cast<std::size_t>(deviceCount) ||
      (params.accessDescCount > 0 && params.accessDescs == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Allocation allocation;
  allocation.device = pool.location.id;
  allocation.requested = params.bytesize;
  allocation.poolProps = pool;
  for (std::size_t i = 0; i < params.accessDescCount; ++i) {
    if (const CUresult status = validAccess(params.accessDescs[i], deviceCount); status != CUDA_SUCCESS) {
      return status;
    }
    allocation.access.push_back(params.accessDescs[i]);
  }
  allocation.owner = owner;
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  return reserveLocked(all, std::move(allocation), params.dptr);
}

CUresult reserveOnDevice(int device, std::size_t bytes, CUgraph owner, CUdeviceptr& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Allocation allocation;
  allocation.device = device;
  allocation.requested = bytes;
  allocation.poolProps.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  allocation.poolProps.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  allocation.poolProps.location.id = device;
  allocation.owner = owner;
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  return reserveLocked(all, std::move(allocation), out);
}

bool isAllocation(CUdeviceptr pointer, int* device) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it != all.allocations.end() && device != nullptr) {
    *device = it->second.device;
  }
  return it != all.allocations.end();
}

bool describe(CUdeviceptr pointer, CUDA_MEM_ALLOC_NODE_PARAMS& out) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it == all.allocations.end()) {
    return false;
  }
  const Allocation& allocation = it->second;
  out = CUDA_MEM_ALLOC_NODE_PARAMS{};
  out.poolProps = allocation.poolProps;
  // Points into the registry, which keeps the descriptors as long as the node's graph exists.
  out.accessDescs = allocation.access.empty() ? nullptr : allocation.access.data();
  out.accessDescCount = allocation.access.size();
  out.bytesize = allocation.requested;
  out.dptr = pointer;
  return true;
}

CUresult bindExecutable(std::span<const CUdeviceptr> allocations, const void* executable) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  for (CUdeviceptr pointer : allocations) {
    const auto it = all.allocations.find(pointer);
    if (it == all.allocations.end() || it->second.executable != nullptr) {
      return CUDA_ERROR_INVALID_VALUE; // another executable of the graph exists
    }
  }
  for (CUdeviceptr pointer : allocations) {
    all.allocations[pointer].executable = executable;
  }
  return CUDA_SUCCESS;
}

void unbindExecutable(const void* executable) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  for (auto it = all.allocations.begin(); it != all.allocations.end();) {
    const auto next = std::next(it);
    if (it->second.executable == executable) {
      it->second.executable = nullptr;
      releaseIfUnused(all, it);
    }
    it = next;
  }
}

bool isLive(CUdeviceptr pointer) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  return it != all.allocations.end() && it->second.live;
}

CUresult allocate(CUdeviceptr pointer) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it == all.allocations.end() || it->second.live) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Allocation& allocation = it->second;
  ExecutionBackend& backend = state().backend();
  if (const CUresult status = backend.physicalCreate(allocation.device, allocation.bytes, allocation.physical);
      status != CUDA_SUCCESS) {
    return status; // e.g. OUT_OF_MEMORY: over the device's memory or vgpud's quota
  }
  if (const CUresult status = mapWithAccess(pointer, allocation); status != CUDA_SUCCESS) {
    backend.physicalRelease(allocation.physical);
    return status;
  }
  allocation.live = true;
  Figures& figures = all.figures[allocation.device];
  figures.used += allocation.bytes;
  figures.usedHigh = std::max(figures.usedHigh, figures.used);
  return CUDA_SUCCESS;
}

CUresult free(CUdeviceptr pointer) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it == all.allocations.end() || !it->second.live) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Allocation& allocation = it->second;
  ExecutionBackend& backend = state().backend();
  if (const CUresult status = backend.unmap(pointer, allocation.bytes); status != CUDA_SUCCESS) {
    return status;
  }
  const CUresult status = backend.physicalRelease(allocation.physical);
  allocation.live = false;
  all.figures[allocation.device].used -= allocation.bytes;
  releaseIfUnused(all, it);
  return status;
}

void graphDestroyed(CUgraph graph) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  for (auto it = all.allocations.begin(); it != all.allocations.end();) {
    const auto next = std::next(it);
    if (it->second.owner == graph) {
      it->second.owner = nullptr;
      releaseIfUnused(all, it);
    }
    it = next;
  }
}

CUresult getAttribute(int device, CUgraphMem_attribute attribute, cuuint64_t& value) {
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  const Figures& figures = all.figures[device];
  switch (attribute) {
  case CU_GRAPH_MEM_ATTR_USED_MEM_CURRENT:
  case CU_GRAPH_MEM_ATTR_RESERVED_MEM_CURRENT: value = figures.used; return CUDA_SUCCESS;
  case CU_GRAPH_MEM_ATTR_USED_MEM_HIGH:
  case CU_GRAPH_MEM_ATTR_RESERVED_MEM_HIGH: value = figures.usedHigh; return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult setAttribute(int device, CUgraphMem_attribute attribute, cuuint64_t value) {
  if (value != 0 ||
      (attribute != CU_GRAPH_MEM_ATTR_USED_MEM_HIGH && attribute != CU_GRAPH_MEM_ATTR_RESERVED_MEM_HIGH)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Registry& all = registry();
  const std::lock_guard lock(all.mutex);
  Figures& figures = all.figures[device];
  figures.usedHigh = figures.used;
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::graph_memory
