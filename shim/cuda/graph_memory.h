// Graph memory: the allocations of graph allocation nodes (cuGraphAddMemAllocNode, or a
// cuMemAllocAsync captured into a graph), as the driver documents them:
//  - the node's address is fixed when the node is made and kept while its graph or an executable
//    of it exists: the address range is reserved then (the backend's VMM reservation);
//  - the memory exists from the moment a launch reaches the node until a free node, cuMemFreeAsync
//    or cuMemFree ends it: physical memory is created and mapped at the node, unmapped and released
//    at the free, so the device's accounting and vgpud's quota count it only while it lives;
//  - one executable per graph at a time, and no relaunch while an allocation lives (the launch
//    frees it first when the executable was instantiated with auto-free-on-launch).
// Freed memory is released at once, so the graph allocator reserves exactly what is in use:
// cuDeviceGraphMemTrim has nothing to release, and the reserved figures equal the used ones.
// Thread-safe.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <span>

namespace vgpu::cuda::graph_memory {

// Checks an allocation node's parameters and reserves its address for `owner`; sets params.dptr.
CUresult reserve(CUDA_MEM_ALLOC_NODE_PARAMS& params, int deviceCount, CUgraph owner);
// The same for a cuMemAllocAsync captured into `owner`: device-local memory on `device`.
CUresult reserveOnDevice(int device, std::size_t bytes, CUgraph owner, CUdeviceptr& out);

// True when `pointer` is an allocation node's address; sets `device` to its device when given.
bool isAllocation(CUdeviceptr pointer, int* device = nullptr);
// The parameters the allocation node was made with; false when `pointer` is not one.
bool describe(CUdeviceptr pointer, CUDA_MEM_ALLOC_NODE_PARAMS& out);

// An executable of a graph with these allocation nodes now exists; INVALID_VALUE when another
// executable of the graph still does.
CUresult bindExecutable(std::span<const CUdeviceptr> allocations, const void* executable);
// The executable is destroyed.
void unbindExecutable(const void* executable);

// True while the allocation's memory exists (between its node and its free).
bool isLive(CUdeviceptr pointer);
// A launch reached the allocation node: create and map its memory. INVALID_VALUE while it lives.
CUresult allocate(CUdeviceptr pointer);
// Ends the allocation's memory. The caller has waited for the work that may use it.
// INVALID_VALUE when it is not live.
CUresult free(CUdeviceptr pointer);

// The graph is destroyed: its allocations' addresses are released once nothing uses them.
void graphDestroyed(CUgraph graph);

CUresult getAttribute(int device, CUgraphMem_attribute attribute, cuuint64_t& value);
// Only a high watermark can be set, and only to 0, which resets it to the current figure.
CUresult setAttribute(int device, CUgraphMem_attribute attribute, cuuint64_t value);

} // namespace vgpu::cuda::graph_memory
