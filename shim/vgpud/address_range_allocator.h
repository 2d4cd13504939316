// First-fit allocation of address ranges inside one reserved span: how a `cuda` session places its
// allocations and the client's VMM reservations inside the device-address slot the client keeps
// free in its own process (so every device address the guest sees is the real one, unchanged, and
// pointers inside kernels' data need no translation). Pure bookkeeping: no driver calls.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace vgpu::daemon {

class AddressRangeAllocator {
public:
  AddressRangeAllocator() = default;
  AddressRangeAllocator(std::uint64_t base, std::uint64_t size);

  // The lowest free range of `bytes` aligned to `alignment` (a power of two); nullopt when none.
  std::optional<std::uint64_t> allocate(std::uint64_t bytes, std::uint64_t alignment);
  // Takes [address, address + bytes) if it is wholly free; false otherwise.
  bool claim(std::uint64_t address, std::uint64_t bytes);
  // Returns a range handed out before; false (and nothing changes) when it is not wholly in use.
  bool release(std::uint64_t address, std::uint64_t bytes);

  std::uint64_t base() const { return base_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t freeBytes() const;

private:
  void insertFree(std::uint64_t address, std::uint64_t bytes); // merging with neighbours

  std::uint64_t base_ = 0;
  std::uint64_t size_ = 0;
  std::map<std::uint64_t, std::uint64_t> free_; // start → length
};

} // namespace vgpu::daemon
