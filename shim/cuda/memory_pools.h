// Memory pools and stream-ordered allocation (cuMemAllocAsync, cuMemPool*), as the driver API
// documents them, on top of the execution backend's ordinary allocations:
//  - every device has a default pool, which is also its current pool until cuDeviceSetMemPool;
//    explicit pools come from cuMemPoolCreate (pinned, no IPC handle types);
//  - pools live at a location: a device (its memory), or the host (pinned, device-mapped host
//    memory, as cuMemHostAlloc gives), as a whole or one NUMA node, each with its default pool;
//  - an asynchronous allocation is made at once (memory valid before the stream reaches it is
//    valid when it does), so it is in the device's accounting and quota like any other;
//  - an asynchronous free waits for the work queued on its stream, then frees: the memory is
//    released in stream order, never under running work;
//  - pools keep no freed memory: reserved equals used, so the release threshold is kept and
//    reported, and trimming has nothing to release.
// Pools live until destroyed and until their last allocation is freed. Thread-safe.
#pragma once

#include <cuda.h>

#include <cstddef>

namespace vgpu::cuda::memory_pools {

// A pool's location as one number: a device's ordinal, or a host location (negative): the host as a
// whole, or NUMA node n.
constexpr int kHostLocation = -1;
constexpr int hostNumaLocation(int node) {
  return -2 - node;
}
constexpr bool isHostLocation(int location) {
  return location < 0;
}

CUresult defaultPool(int device, CUmemoryPool& out);
CUresult currentPool(int device, CUmemoryPool& out);
CUresult setCurrentPool(int device, CUmemoryPool pool);
// `location` is the properties' location as one number (above), checked by the caller.
CUresult create(const CUmemPoolProps& properties, int location, CUmemoryPool& out);
CUresult destroy(CUmemoryPool pool);
// Where a pool allocates (a device's ordinal or a host location); false for an unknown pool.
bool deviceOf(CUmemoryPool pool, int& location);

// Records an allocation the backend made for `pool`.
void recordAllocation(CUmemoryPool pool, CUdeviceptr pointer, std::size_t bytes);
// Forgets an allocation before it is freed; false when `pointer` came from no pool. `host`, when
// given, says whether it is host memory (freed as such).
bool forgetAllocation(CUdeviceptr pointer, bool* host = nullptr);
// Whether `pointer` is the start of a pool's allocation (legacy IPC refuses those, as the driver does).
bool isPoolAllocation(CUdeviceptr pointer);

CUresult getAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value);
CUresult setAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, const void* value);
CUresult trimTo(CUmemoryPool pool, std::size_t keepBytes);
CUresult setAccess(CUmemoryPool pool, const CUmemAccessDesc* descriptors, std::size_t count, int deviceCount);
CUresult getAccess(CUmemoryPool pool, const CUmemLocation& location, CUmemAccess_flags& flags);

} // namespace vgpu::cuda::memory_pools
