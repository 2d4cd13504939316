// The pools behind memory_pools.h: handles are the addresses of Pool objects held by shared_ptr,
// so an allocation keeps its pool's figures alive after cuMemPoolDestroy.
#include "memory_pools.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <unistd.h> // getentropy

namespace vgpu::cuda::memory_pools {
namespace {

struct Pool {
  int device = 0;
  std::uint64_t releaseThreshold = 0;
  int reuseFollowEventDependencies = 1;
  int reuseAllowOpportunistic = 1;
  int reuseAllowInternalDependencies = 1;
  std::uint64_t used = 0;
  std::uint64_t usedHigh = 0;
  std::map<int, CUmemAccess_flags> peerAccess; // other devices' access, as set
  bool exportable = false;                     // created with CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR
  bool imported = false;                       // imported from another process's descriptor: allocates nothing
  bool named = false;                          // nonce made (at the first export) or received (imported)
  PoolNonce nonce{};
};

struct Pools {
  std::mutex mutex;
  std::map<CUmemoryPool, std::shared_ptr<Pool>> live;
  std::map<int, CUmemoryPool> defaults;
  std::map<int, CUmemoryPool> current;
  struct Allocation {
    std::shared_ptr<Pool> pool;
    std::size_t bytes = 0;
    bool imported = false;
  };
  std::map<CUdeviceptr, Allocation> allocations;
};

Pools& pools() {
  static Pools* const all = new Pools; // never destroyed: used until the last exit-time call
  return *all;
}

CUmemoryPool handleOf(const std::shared_ptr<Pool>& pool) {
  return reinterpret_cast<CUmemoryPool>(pool.get());
}

// The pool behind a handle, with the lock held by the caller.
Pool* find(Pools& all, CUmemoryPool handle) {
  const auto it = all.live.find(handle);
  return it == all.live.end() ? nullptr : it->second.get();
}

CUmemoryPool makePool(Pools& all, int device) {
  auto pool = std::make_shared<Pool>();
  pool->device = device;
  const CUmemoryPool handle = handleOf(pool);
  all.live[handle] = std::move(pool);
  return handle;
}

CUmemoryPool defaultPoolLocked(Pools& all, int device) {
  auto [it, inserted] = all.defaults.try_emplace(device, nullptr);
  if (inserted) {
    it->second = makePool(all, device);
  }
  return it->second;
}

} // namespace

CUresult defaultPool(int device, CUmemoryPool& out) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  out = defaultPoolLocked(all, device);
  return CUDA_SUCCESS;
}

CUresult currentPool(int device, CUmemoryPool& out) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const auto it = all.current.find(device);
  out = it != all.current.end() && find(all, it->second) != nullptr ? it->second : defaultPoolLocked(all, device);
  return CUDA_SUCCESS;
}

CUresult setCurrentPool(int device, CUmemoryPool pool) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const Pool* found = find(all, pool);
  if (found == nullptr || found->device != device) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  all.current[device] = pool;
  return CUDA_SUCCESS;
}

CUresult create(const CUmemPoolProps& properties, int location, CUmemoryPool& out) {
  if (properties.allocType != CU_MEM_ALLOCATION_TYPE_PINNED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Pools exportable as POSIX descriptors (rmm and UCX ask for that) are shared by a nonce
  // (exportNonce); other handle types (fabric, Windows) are not offered.
  if (properties.handleTypes != CU_MEM_HANDLE_TYPE_NONE &&
      properties.handleTypes != CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  out = makePool(all, location);
  all.live[out]->exportable = properties.handleTypes == CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
  return CUDA_SUCCESS;
}

namespace {
// An exportable pool's nonce, made at its first export; with the lock held.
CUresult nonceLocked(Pool& pool, PoolNonce& out) {
  if (!pool.exportable || pool.imported || isHostLocation(pool.device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!pool.named && ::getentropy(pool.nonce.data(), pool.nonce.size()) != 0) {
    return CUDA_ERROR_OPERATING_SYSTEM;
  }
  pool.named = true;
  out = pool.nonce;
  return CUDA_SUCCESS;
}
} // namespace

CUresult exportNonce(CUmemoryPool handle, PoolNonce& out) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  Pool* pool = find(all, handle);
  return pool != nullptr ? nonceLocked(*pool, out) : CUDA_ERROR_INVALID_VALUE;
}

CUresult exportNonceOf(CUdeviceptr pointer, PoolNonce& out) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it == all.allocations.end() || it->second.imported) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return nonceLocked(*it->second.pool, out);
}

CUresult importPool(const PoolNonce& nonce, int device, CUmemoryPool& out) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  out = makePool(all, device);
  Pool& pool = *all.live[out];
  pool.imported = true;
  pool.named = true;
  pool.nonce = nonce;
  return CUDA_SUCCESS;
}

bool isImported(CUmemoryPool handle, PoolNonce* nonce) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const Pool* pool = find(all, handle);
  if (pool == nullptr || !pool->imported) {
    return false;
  }
  if (nonce != nullptr) {
    *nonce = pool->nonce;
  }
  return true;
}

CUresult destroy(CUmemoryPool pool) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(pool);
  if (it == all.live.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto isDefault =
      std::any_of(all.defaults.begin(), all.defaults.end(), [pool](const auto& entry) { return entry.second == pool; });
  if (isDefault) {
    return CUDA_ERROR_INVALID_VALUE; // a device's default pool cannot be destroyed
  }
  for (auto current = all.current.begin(); current != all.current.end();) {
    current = current->second == pool ? all.current.erase(current) : std::next(current);
  }
  all.live.erase(it); // live allocations hold the object until they are freed
  return CUDA_SUCCESS;
}

bool deviceOf(CUmemoryPool pool, int& device) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const Pool* found = find(all, pool);
  if (found != nullptr) {
    device = found->device;
  }
  return found != nullptr;
}

void recordAllocation(CUmemoryPool pool, CUdeviceptr pointer, std::size_t bytes, bool imported) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(pool);
  if (it == all.live.end()) {
    return;
  }
  it->second->used += bytes;
  it->second->usedHigh = std::max(it->second->usedHigh, it->second->used);
  all.allocations[pointer] = {it->second, bytes, imported};
}

bool forgetAllocation(CUdeviceptr pointer, Release* how) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const auto it = all.allocations.find(pointer);
  if (it == all.allocations.end()) {
    return false;
  }
  if (how != nullptr) {
    *how = it->second.imported                       ? Release::Imported
           : isHostLocation(it->second.pool->device) ? Release::Host
                                                     : Release::Device;
  }
  it->second.pool->used -= it->second.bytes;
  all.allocations.erase(it);
  return true;
}

bool isPoolAllocation(CUdeviceptr pointer) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  return all.allocations.count(pointer) != 0;
}

CUresult getAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value) {
  if (value == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const Pool* found = find(all, pool);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto flag = [value](int flagValue) { std::memcpy(value, &flagValue, sizeof flagValue); };
  const auto figure = [value](std::uint64_t bytes) {
    const cuuint64_t out = bytes;
    std::memcpy(value, &out, sizeof out);
  };
  switch (attribute) {
  case CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES: flag(found->reuseFollowEventDependencies); break;
  case CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC: flag(found->reuseAllowOpportunistic); break;
  case CU_MEMPOOL_ATTR_REUSE_ALLOW_INTERNAL_DEPENDENCIES: flag(found->reuseAllowInternalDependencies); break;
  case CU_MEMPOOL_ATTR_RELEASE_THRESHOLD: figure(found->releaseThreshold); break;
  // Freed memory is returned at once: what the pool reserves is what is in use.
  case CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT:
  case CU_MEMPOOL_ATTR_USED_MEM_CURRENT: figure(found->used); break;
  case CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH:
  case CU_MEMPOOL_ATTR_USED_MEM_HIGH: figure(found->usedHigh); break;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

CUresult setAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, const void* value) {
  if (value == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  Pool* found = find(all, pool);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  int flagValue = 0;
  cuuint64_t bytes = 0;
  switch (attribute) {
  case CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES:
  case CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC:
  case CU_MEMPOOL_ATTR_REUSE_ALLOW_INTERNAL_DEPENDENCIES:
    std::memcpy(&flagValue, value, sizeof flagValue);
    (attribute == CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES ? found->reuseFollowEventDependencies
     : attribute == CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC     ? found->reuseAllowOpportunistic
                                                                  : found->reuseAllowInternalDependencies) =
        flagValue != 0 ? 1 : 0;
    return CUDA_SUCCESS;
  case CU_MEMPOOL_ATTR_RELEASE_THRESHOLD:
    std::memcpy(&bytes, value, sizeof bytes);
    found->releaseThreshold = bytes;
    return CUDA_SUCCESS;
  case CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH:
  case CU_MEMPOOL_ATTR_USED_MEM_HIGH:
    std::memcpy(&bytes, value, sizeof bytes);
    if (bytes != 0) {
      return CUDA_ERROR_INVALID_VALUE; // the high-water marks can only be reset
    }
    found->usedHigh = found->used;
    return CUDA_SUCCESS;
  default: return CUDA_ERROR_INVALID_VALUE; // the current figures are read-only
  }
}

CUresult trimTo(CUmemoryPool pool, std::size_t) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  return find(all, pool) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; // nothing kept to release
}

CUresult setAccess(CUmemoryPool pool, const CUmemAccessDesc* descriptors, std::size_t count, int deviceCount) {
  if (descriptors == nullptr && count != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  Pool* found = find(all, pool);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const CUmemAccessDesc& access = descriptors[i];
    if (access.location.type != CU_MEM_LOCATION_TYPE_DEVICE || access.location.id < 0 ||
        access.location.id >= deviceCount || access.flags > CU_MEM_ACCESS_FLAGS_PROT_READWRITE) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (access.location.id == found->device && access.flags != CU_MEM_ACCESS_FLAGS_PROT_READWRITE) {
      return CUDA_ERROR_INVALID_VALUE; // the owning device always has read-write access
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (descriptors[i].location.id != found->device) {
      found->peerAccess[descriptors[i].location.id] = descriptors[i].flags;
    }
  }
  return CUDA_SUCCESS;
}

CUresult getAccess(CUmemoryPool pool, const CUmemLocation& location, CUmemAccess_flags& flags) {
  Pools& all = pools();
  const std::lock_guard lock(all.mutex);
  const Pool* found = find(all, pool);
  if (found == nullptr || location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (location.id == found->device) {
    flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    return CUDA_SUCCESS;
  }
  const auto it = found->peerAccess.find(location.id);
  flags = it == found->peerAccess.end() ? CU_MEM_ACCESS_FLAGS_PROT_NONE : it->second;
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::memory_pools
