// VMM handles and mappings, counted as the driver counts them (vmm_table.h).
#include "vmm_table.h"

namespace vgpu::cuda {

CUmemGenericAllocationHandle VmmTable::add(const VmmAllocation& allocation) {
  const std::lock_guard lock(mutex_);
  const CUmemGenericAllocationHandle handle = next_++;
  allocations_[handle] = allocation;
  return handle;
}

std::optional<VmmAllocation> VmmTable::find(CUmemGenericAllocationHandle handle) const {
  const std::lock_guard lock(mutex_);
  const auto it = allocations_.find(handle);
  if (it == allocations_.end() || it->second.handleReferences == 0) {
    return std::nullopt;
  }
  return it->second;
}

CUresult VmmTable::release(CUmemGenericAllocationHandle handle, std::optional<BackendPhysical>& release) {
  const std::lock_guard lock(mutex_);
  const auto it = allocations_.find(handle);
  if (it == allocations_.end() || it->second.handleReferences == 0) {
    return CUDA_ERROR_INVALID_VALUE; // unknown or already released
  }
  if (--it->second.handleReferences == 0 && it->second.mappings == 0) {
    release = it->second.backend;
    allocations_.erase(it);
  }
  return CUDA_SUCCESS;
}

CUresult VmmTable::retain(CUdeviceptr address, CUmemGenericAllocationHandle& out) {
  const std::lock_guard lock(mutex_);
  const auto mapping = mappingAt(address);
  if (mapping == mappings_.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  ++allocations_.at(mapping->second.handle).handleReferences;
  out = mapping->second.handle;
  return CUDA_SUCCESS;
}

void VmmTable::mapped(CUdeviceptr address, std::size_t bytes, CUmemGenericAllocationHandle handle) {
  const std::lock_guard lock(mutex_);
  const auto allocation = allocations_.find(handle);
  if (allocation == allocations_.end()) {
    return;
  }
  ++allocation->second.mappings;
  mappings_[address] = Mapping{bytes, handle, {}};
}

void VmmTable::unmapped(CUdeviceptr address, std::size_t bytes, std::vector<BackendPhysical>& release) {
  const std::lock_guard lock(mutex_);
  auto it = mappings_.lower_bound(address);
  while (it != mappings_.end() && it->first - address < bytes) {
    const auto allocation = allocations_.find(it->second.handle);
    if (allocation != allocations_.end() && --allocation->second.mappings == 0 &&
        allocation->second.handleReferences == 0) {
      release.push_back(allocation->second.backend);
      allocations_.erase(allocation);
    }
    it = mappings_.erase(it);
  }
}

void VmmTable::accessSet(CUdeviceptr address, std::size_t bytes, int device, unsigned long long flags) {
  const std::lock_guard lock(mutex_);
  // The first mapping may start before `address` (access set on part of it).
  auto it = mappings_.lower_bound(address);
  if (const auto first = mappingAt(address); first != mappings_.end()) {
    it = mappings_.find(first->first);
  }
  for (; it != mappings_.end() && it->first < address + bytes; ++it) {
    it->second.access[device] = flags;
  }
}

CUresult VmmTable::access(CUdeviceptr address, int device, unsigned long long& flags) const {
  const std::lock_guard lock(mutex_);
  const auto mapping = mappingAt(address);
  if (mapping == mappings_.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto granted = mapping->second.access.find(device);
  flags = granted == mapping->second.access.end() ? static_cast<unsigned long long>(CU_MEM_ACCESS_FLAGS_PROT_NONE)
                                                  : granted->second;
  return CUDA_SUCCESS;
}

std::optional<unsigned long long> VmmTable::handleTypesAt(CUdeviceptr address) const {
  const std::lock_guard lock(mutex_);
  const auto mapping = mappingAt(address);
  if (mapping == mappings_.end()) {
    return std::nullopt;
  }
  return allocations_.at(mapping->second.handle).handleTypes;
}

std::map<CUdeviceptr, VmmTable::Mapping>::const_iterator VmmTable::mappingAt(CUdeviceptr address) const {
  auto it = mappings_.upper_bound(address);
  if (it == mappings_.begin()) {
    return mappings_.end();
  }
  --it;
  return address - it->first < it->second.size ? it : mappings_.end();
}

} // namespace vgpu::cuda
