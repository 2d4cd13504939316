// Memory pools and stream-ordered allocation (cuMemAllocAsync, cuMemPool*), as the driver API
// documents them, on top of the execution backend's ordinary allocations:
//  - every device has a default pool, which is also its current pool until cuDeviceSetMemPool;
//    explicit pools come from cuMemPoolCreate (pinned; exportable as POSIX descriptors or not);
//  - pools live at a location: a device (its memory), or the host (pinned, device-mapped host
//    memory, as cuMemHostAlloc gives), as a whole or one NUMA node, each with its default pool;
//  - an asynchronous allocation is made at once (memory valid before the stream reaches it is
//    valid when it does), so it is in the device's accounting and quota like any other;
//  - an asynchronous free waits for the work queued on its stream, then frees: the memory is
//    released in stream order, never under running work;
//  - pools keep no freed memory: reserved equals used, so the release threshold is kept and
//    reported, and trimming has nothing to release;
//  - an exportable pool is named to other processes by a random nonce (its identity: the driver
//    layer's descriptor carries it), and its allocations by legacy IPC handles with that nonce; a
//    pool imported from such a descriptor allocates nothing and holds the pointers imported into it.
// Pools live until destroyed and until their last allocation is freed. Thread-safe.
#pragma once

#include <cuda.h>

#include <array>
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

// Records an allocation the backend made for `pool` (or, `imported`, a pointer imported into it).
void recordAllocation(CUmemoryPool pool, CUdeviceptr pointer, std::size_t bytes, bool imported = false);
// How a pool's allocation is given back: device memory, host memory, or a pointer imported from
// another process (closed, not freed).
enum class Release { Device, Host, Imported };
// Forgets an allocation before it is freed; false when `pointer` came from no pool. `how`, when
// given, says how to give it back.
bool forgetAllocation(CUdeviceptr pointer, Release* how = nullptr);

// Sharing pools between processes. The nonce names an exportable pool; made at the first export.
using PoolNonce = std::array<unsigned char, 16>;
// An exportable pool's nonce: INVALID_VALUE for a pool not created exportable as POSIX descriptors,
// or imported, or unknown.
CUresult exportNonce(CUmemoryPool pool, PoolNonce& out);
// The nonce of the exportable pool `pointer` (an allocation's start) came from.
CUresult exportNonceOf(CUdeviceptr pointer, PoolNonce& out);
// A pool imported from another process's descriptor, on `device`: it allocates nothing.
CUresult importPool(const PoolNonce& nonce, int device, CUmemoryPool& out);
// Whether `pool` was imported, and its nonce then.
bool isImported(CUmemoryPool pool, PoolNonce* nonce = nullptr);
// Whether `pointer` is the start of a pool's allocation (legacy IPC refuses those, as the driver does).
bool isPoolAllocation(CUdeviceptr pointer);

CUresult getAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value);
CUresult setAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, const void* value);
CUresult trimTo(CUmemoryPool pool, std::size_t keepBytes);
CUresult setAccess(CUmemoryPool pool, const CUmemAccessDesc* descriptors, std::size_t count, int deviceCount);
CUresult getAccess(CUmemoryPool pool, const CUmemLocation& location, CUmemAccess_flags& flags);

} // namespace vgpu::cuda::memory_pools
