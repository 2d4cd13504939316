// The shim's view of VMM memory (cuMemCreate & co.), counted as NVIDIA's driver counts it:
//  - a physical allocation lives while its handle is held (once from cuMemCreate or
//    cuMemImportFromShareableHandle, once more per cuMemRetainAllocationHandle) or it is mapped:
//    released while mapped, it is freed by the last unmap, so the backend's physicalRelease comes
//    when nothing holds it (the caller runs it with what release/unmapped hand back);
//  - each mapping knows its allocation, so an address answers cuMemRetainAllocationHandle, the
//    pointer's allowed handle types, and cuMemGetAccess (the access cuMemSetAccess gave per device).
// Graph allocations map backend memory directly (graph_memory.h) and are not in this table.
#pragma once

#include "backend/execution_backend.h"

#include <cuda.h>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace vgpu::cuda {

struct VmmAllocation {
  BackendPhysical backend = 0;
  std::size_t size = 0;
  int device = 0;
  unsigned long long handleTypes = CU_MEM_HANDLE_TYPE_NONE; // requested at creation, or the import's
  unsigned char rdmaCapable = 0;                            // allocFlags.gpuDirectRDMACapable as asked
  unsigned handleReferences = 1;
  unsigned mappings = 0;
};

class VmmTable {
public:
  CUmemGenericAllocationHandle add(const VmmAllocation& allocation);
  // A held handle's allocation (a released one, still mapped, is not found).
  std::optional<VmmAllocation> find(CUmemGenericAllocationHandle handle) const;
  // Drops one reference of the handle: INVALID_VALUE for one not held. `release` is set when
  // nothing holds the memory any more.
  CUresult release(CUmemGenericAllocationHandle handle, std::optional<BackendPhysical>& release);
  // The allocation mapped at `address` (anywhere in the mapping), with one more handle reference.
  CUresult retain(CUdeviceptr address, CUmemGenericAllocationHandle& out);

  // After the backend mapped [address, address + bytes) to `handle`'s memory.
  void mapped(CUdeviceptr address, std::size_t bytes, CUmemGenericAllocationHandle handle);
  // After the backend unmapped the range: forgets the mappings inside it and gives back the
  // memory nothing holds any more.
  void unmapped(CUdeviceptr address, std::size_t bytes, std::vector<BackendPhysical>& release);

  // After the backend set access on the range: recorded for the mappings inside it.
  void accessSet(CUdeviceptr address, std::size_t bytes, int device, unsigned long long flags);
  // The access of `device` to the mapping at `address`: INVALID_VALUE where nothing is mapped.
  CUresult access(CUdeviceptr address, int device, unsigned long long& flags) const;
  // The handle types of the allocation mapped at `address`, if one is.
  std::optional<unsigned long long> handleTypesAt(CUdeviceptr address) const;

private:
  struct Mapping {
    std::size_t size = 0;
    CUmemGenericAllocationHandle handle = 0;
    std::map<int, unsigned long long> access; // device -> CU_MEM_ACCESS_FLAGS_*
  };
  std::map<CUdeviceptr, Mapping>::const_iterator mappingAt(CUdeviceptr address) const;

  mutable std::mutex mutex_;
  std::map<CUmemGenericAllocationHandle, VmmAllocation> allocations_;
  std::map<CUdeviceptr, Mapping> mappings_;
  CUmemGenericAllocationHandle next_ = 0x10000;
};

} // namespace vgpu::cuda
