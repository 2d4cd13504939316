// First-fit range allocation over a map of free ranges (see address_range_allocator.h).
#include "address_range_allocator.h"

#include <iterator>

namespace vgpu::daemon {

AddressRangeAllocator::AddressRangeAllocator(std::uint64_t base, std::uint64_t size) : base_(base), size_(size) {
  if (size > 0) {
    free_.emplace(base, size);
  }
}

std::optional<std::uint64_t> AddressRangeAllocator::allocate(std::uint64_t bytes, std::uint64_t alignment) {
  if (bytes == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0) {
    return std::nullopt;
  }
  for (const auto& [start, length] : free_) {
    const std::uint64_t aligned = (start + alignment - 1) & ~(alignment - 1);
    if (aligned < start || aligned - start >= length || length - (aligned - start) < bytes) {
      continue;
    }
    const std::uint64_t address = aligned;
    claim(address, bytes);
    return address;
  }
  return std::nullopt;
}

bool AddressRangeAllocator::claim(std::uint64_t address, std::uint64_t bytes) {
  if (bytes == 0 || address + bytes < address) {
    return false;
  }
  auto it = free_.upper_bound(address);
  if (it == free_.begin()) {
    return false;
  }
  --it;
  const std::uint64_t start = it->first;
  const std::uint64_t length = it->second;
  if (address + bytes > start + length) {
    return false;
  }
  free_.erase(it);
  if (address > start) {
    free_.emplace(start, address - start);
  }
  if (start + length > address + bytes) {
    free_.emplace(address + bytes, start + length - (address + bytes));
  }
  return true;
}

bool AddressRangeAllocator::release(std::uint64_t address, std::uint64_t bytes) {
  if (bytes == 0 || address < base_ || address + bytes < address || address + bytes > base_ + size_) {
    return false;
  }
  // Nothing of the range may be free already (a double release or a range never handed out).
  auto next = free_.lower_bound(address);
  if (next != free_.end() && next->first < address + bytes) {
    return false;
  }
  if (next != free_.begin()) {
    const auto previous = std::prev(next);
    if (previous->first + previous->second > address) {
      return false;
    }
  }
  insertFree(address, bytes);
  return true;
}

void AddressRangeAllocator::insertFree(std::uint64_t address, std::uint64_t bytes) {
  auto next = free_.lower_bound(address);
  if (next != free_.end() && next->first == address + bytes) {
    bytes += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    const auto previous = std::prev(next);
    if (previous->first + previous->second == address) {
      previous->second += bytes;
      return;
    }
  }
  free_.emplace(address, bytes);
}

std::uint64_t AddressRangeAllocator::freeBytes() const {
  std::uint64_t total = 0;
  for (const auto& [start, length] : free_) {
    total += length;
  }
  return total;
}

} // namespace vgpu::daemon
