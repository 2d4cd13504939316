// Simulated device memory: address reservation, backing, translation and accounting.
#include "sim/simulated_memory.h"

#include <algorithm>
#include <sys/mman.h>
#include <unistd.h>

namespace vgpu::cuda::sim {
namespace {

std::size_t roundUp(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

} // namespace

SimulatedMemory::Backing::~Backing() {
  if (owned && data != nullptr) {
    ::munmap(data, size);
  }
  if (fd >= 0) {
    ::close(fd);
  }
}

std::size_t SimulatedMemory::addressSpaceFor(std::size_t totalBytes) {
  // Twice the device memory of address space (VMM users reserve more than they map), plus slack
  // for aligning the range to the granularity.
  return roundUp(totalBytes * 2 + kGranularity, kGranularity) + kGranularity;
}

SimulatedMemory::SimulatedMemory(int device, std::size_t totalBytes, std::uintptr_t addressHint)
    : device_(device), total_(totalBytes) {
  vaSize_ = addressSpaceFor(totalBytes) - kGranularity;
  constexpr int kFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  void* base = MAP_FAILED;
  if (addressHint != 0) {
    base = ::mmap(reinterpret_cast<void*>(addressHint), vaSize_ + kGranularity, PROT_NONE, kFlags | MAP_FIXED_NOREPLACE,
                  -1, 0);
    if (base != MAP_FAILED && base != reinterpret_cast<void*>(addressHint)) {
      ::munmap(base, vaSize_ + kGranularity); // a kernel without MAP_FIXED_NOREPLACE put it elsewhere
      base = MAP_FAILED;
    }
  }
  if (base == MAP_FAILED) {
    base = ::mmap(nullptr, vaSize_ + kGranularity, PROT_NONE, kFlags, -1, 0);
  }
  if (base == MAP_FAILED) {
    vaSize_ = 0;
    return;
  }
  reservation_ = base;
  reservationSize_ = vaSize_ + kGranularity;
  // Align the usable range to the granularity; the slack stays reserved.
  const auto raw = reinterpret_cast<std::uintptr_t>(base);
  vaBase_ = reinterpret_cast<std::uint8_t*>(roundUp(raw, kGranularity));
  freeRanges_.emplace(reinterpret_cast<CUdeviceptr>(vaBase_), vaSize_);
}

SimulatedMemory::~SimulatedMemory() {
  mappings_.clear();
  physical_.clear();
  if (reservation_ != nullptr) {
    ::munmap(reservation_, reservationSize_); // all of it: vgpud makes and ends sessions all day
  }
}

std::shared_ptr<SimulatedMemory::Backing> SimulatedMemory::makeBacking(std::size_t bytes, bool accounted,
                                                                       CUresult& status) {
  if (accounted && bytes > total_ - used_) {
    status = CUDA_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (data == MAP_FAILED) {
    status = CUDA_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  auto backing = std::make_shared<Backing>();
  backing->data = static_cast<std::uint8_t*>(data);
  backing->size = bytes;
  backing->accounted = accounted;
  if (accounted) {
    used_ += bytes;
    ++allocations_;
    peak_ = std::max(peak_, used_);
  }
  status = CUDA_SUCCESS;
  return backing;
}

CUresult SimulatedMemory::reserveLocked(std::size_t bytes, std::size_t alignment, CUdeviceptr& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  alignment = alignment < kGranularity ? kGranularity : alignment;
  for (auto it = freeRanges_.begin(); it != freeRanges_.end(); ++it) {
    const CUdeviceptr start = roundUp(it->first, alignment);
    const CUdeviceptr end = it->first + it->second;
    // Written so that no sum can wrap: a request near 2^64 bytes fits nowhere, it must not "fit"
    // by overflowing and hand out a range that is already in use.
    if (start < it->first || start > end || bytes > end - start) {
      continue;
    }
    const CUdeviceptr rangeStart = it->first;
    freeRanges_.erase(it);
    if (start > rangeStart) {
      freeRanges_.emplace(rangeStart, start - rangeStart);
    }
    if (start + bytes < end) {
      freeRanges_.emplace(start + bytes, end - (start + bytes));
    }
    reservations_[start] = Reservation{bytes, false};
    out = start;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_OUT_OF_MEMORY;
}

CUresult SimulatedMemory::allocate(std::size_t bytes, CUdeviceptr& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (bytes > total_) {
    return CUDA_ERROR_OUT_OF_MEMORY; // before any rounding could wrap
  }
  const std::lock_guard lock(mutex_);
  if (vaBase_ == nullptr) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const std::size_t rounded = roundUp(bytes, kAlignment);
  CUresult status = CUDA_SUCCESS;
  auto backing = makeBacking(rounded, true, status);
  if (!backing) {
    return status;
  }
  CUdeviceptr address = 0;
  if ((status = reserveLocked(roundUp(rounded, kGranularity), kGranularity, address)) != CUDA_SUCCESS) {
    used_ -= rounded;
    --allocations_;
    return status;
  }
  reservations_[address].owned = true;
  const std::uint64_t id = nextId_++;
  mappings_[address] = Mapping{rounded, std::move(backing), 0, MemoryKind::Device, address, bytes, id};
  out = address;
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::allocateManaged(std::size_t bytes, CUdeviceptr& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (bytes > total_) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const std::lock_guard lock(mutex_);
  CUresult status = CUDA_SUCCESS;
  auto backing = makeBacking(roundUp(bytes, kAlignment), true, status);
  if (!backing) {
    return status;
  }
  // Managed memory is usable from the host at the same address.
  const auto address = reinterpret_cast<CUdeviceptr>(backing->data);
  const std::uint64_t id = nextId_++;
  mappings_[address] = Mapping{backing->size, std::move(backing), 0, MemoryKind::Managed, address, bytes, id};
  out = address;
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::allocateManagedOver(void* memory, std::size_t bytes, CUdeviceptr& out) {
  if (memory == nullptr || bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  const auto address = reinterpret_cast<CUdeviceptr>(memory);
  if (bytes > total_ - used_) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  // Never over memory this device already knows (the caller's mapping is new, so this only
  // catches a caller's mistake).
  if (auto next = mappings_.lower_bound(address);
      (next != mappings_.end() && next->first < address + bytes) ||
      (next != mappings_.begin() && std::prev(next)->first + std::prev(next)->second.size > address)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto backing = std::make_shared<Backing>();
  backing->data = static_cast<std::uint8_t*>(memory);
  backing->size = bytes;
  backing->owned = false;
  backing->accounted = true;
  used_ += bytes;
  ++allocations_;
  peak_ = std::max(peak_, used_);
  const std::uint64_t id = nextId_++;
  mappings_[address] = Mapping{bytes, std::move(backing), 0, MemoryKind::Managed, address, bytes, id};
  out = address;
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::free(CUdeviceptr pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = mappings_.find(pointer);
  if (it == mappings_.end() || it->second.allocationBase != pointer || it->second.imported ||
      (it->second.kind != MemoryKind::Device && it->second.kind != MemoryKind::Managed)) {
    return CUDA_ERROR_INVALID_VALUE; // not an allocation base: stale, foreign or double free
  }
  if (it->second.backing->accounted) {
    used_ -= it->second.backing->size;
    --allocations_;
  }
  const bool device = it->second.kind == MemoryKind::Device;
  mappings_.erase(it);
  if (device) {
    const auto reservation = reservations_.find(pointer);
    if (reservation != reservations_.end() && reservation->second.owned) {
      freeRanges_.emplace(pointer, reservation->second.size);
      reservations_.erase(reservation);
    }
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::hostAllocate(std::size_t bytes, void*& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  CUresult status = CUDA_SUCCESS;
  auto backing = makeBacking(roundUp(bytes, 4096), false, status);
  if (!backing) {
    return status;
  }
  const auto address = reinterpret_cast<CUdeviceptr>(backing->data);
  const std::uint64_t id = nextId_++;
  mappings_[address] = Mapping{backing->size, std::move(backing), 0, MemoryKind::Host, address, bytes, id};
  out = reinterpret_cast<void*>(address);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::hostFree(void* pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = mappings_.find(reinterpret_cast<CUdeviceptr>(pointer));
  if (it == mappings_.end() || it->second.kind != MemoryKind::Host) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  mappings_.erase(it);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::hostRegister(void* pointer, std::size_t bytes) {
  if (pointer == nullptr || bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  const auto address = reinterpret_cast<CUdeviceptr>(pointer);
  // Overlap with an existing entry?
  auto next = mappings_.lower_bound(address);
  if (next != mappings_.end() && next->first < address + bytes) {
    return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
  }
  if (next != mappings_.begin()) {
    const auto previous = std::prev(next);
    if (previous->first + previous->second.size > address) {
      return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
    }
  }
  auto backing = std::make_shared<Backing>();
  backing->data = static_cast<std::uint8_t*>(pointer);
  backing->size = bytes;
  backing->owned = false;
  const std::uint64_t id = nextId_++;
  mappings_[address] = Mapping{bytes, std::move(backing), 0, MemoryKind::HostRegistered, address, bytes, id};
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::hostUnregister(void* pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = mappings_.find(reinterpret_cast<CUdeviceptr>(pointer));
  if (it == mappings_.end() || it->second.kind != MemoryKind::HostRegistered) {
    return CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED;
  }
  mappings_.erase(it);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::physicalCreate(std::size_t bytes, BackendPhysical& out) {
  if (bytes == 0 || bytes % kGranularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  CUresult status = CUDA_SUCCESS;
  auto backing = makeBacking(bytes, true, status);
  if (!backing) {
    return status;
  }
  out = nextId_++;
  physical_[out] = std::move(backing);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::physicalRelease(BackendPhysical handle) {
  const std::lock_guard lock(mutex_);
  const auto it = physical_.find(handle);
  if (it == physical_.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Mappings keep the bytes alive until unmapped (CUDA defers the release too); the memory stops
  // counting as used when the handle is released.
  if (it->second->accounted) {
    used_ -= it->second->size;
    --allocations_;
    it->second->accounted = false;
  }
  physical_.erase(it);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::reserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) {
  if (bytes == 0 || bytes % kGranularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  if (fixed != 0) {
    // Honour the requested address when that range is free, else fall back as CUDA does.
    auto it = freeRanges_.upper_bound(fixed);
    if (it != freeRanges_.begin()) {
      --it;
      if (fixed % kGranularity == 0 && it->first <= fixed && fixed - it->first < it->second &&
          bytes <= it->second - (fixed - it->first)) {
        const CUdeviceptr start = it->first;
        const std::size_t size = it->second;
        freeRanges_.erase(it);
        if (fixed > start) {
          freeRanges_.emplace(start, fixed - start);
        }
        if (fixed + bytes < start + size) {
          freeRanges_.emplace(fixed + bytes, start + size - (fixed + bytes));
        }
        reservations_[fixed] = Reservation{bytes, false};
        out = fixed;
        return CUDA_SUCCESS;
      }
    }
  }
  return reserveLocked(bytes, alignment, out);
}

CUresult SimulatedMemory::unreserve(CUdeviceptr base, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  const auto it = reservations_.find(base);
  if (it == reservations_.end() || it->second.owned || it->second.size != bytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Every mapping inside must be unmapped first.
  const auto mapped = mappings_.lower_bound(base);
  if (mapped != mappings_.end() && mapped->first < base + bytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  reservations_.erase(it);
  freeRanges_.emplace(base, bytes);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle) {
  if (bytes == 0 || bytes % kGranularity != 0 || address % kGranularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  const auto physical = physical_.find(handle);
  if (physical == physical_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (offset + bytes > physical->second->size || offset + bytes < offset) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The range must lie inside one reservation and not overlap an existing mapping.
  auto reservation = reservations_.upper_bound(address);
  if (reservation == reservations_.begin()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  --reservation;
  if (address + bytes > reservation->first + reservation->second.size) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto next = mappings_.lower_bound(address);
  if (next != mappings_.end() && next->first < address + bytes) {
    return CUDA_ERROR_ALREADY_MAPPED;
  }
  if (next != mappings_.begin() && std::prev(next)->first + std::prev(next)->second.size > address) {
    return CUDA_ERROR_ALREADY_MAPPED;
  }
  mappings_[address] = Mapping{bytes, physical->second, offset, MemoryKind::Device, 0, 0, nextId_++};
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::unmap(CUdeviceptr address, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  // Removes every VMM mapping that lies fully inside [address, address + bytes).
  auto it = mappings_.lower_bound(address);
  bool any = false;
  while (it != mappings_.end() && it->first < address + bytes) {
    if (it->second.allocationBase != 0 || it->first + it->second.size > address + bytes) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    it = mappings_.erase(it);
    any = true;
  }
  return any ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

std::size_t SimulatedMemory::usedBytes() const {
  const std::lock_guard lock(mutex_);
  return used_;
}

MemoryUsage SimulatedMemory::usage() const {
  const std::lock_guard lock(mutex_);
  return MemoryUsage{used_, total_, peak_, allocations_};
}

void SimulatedMemory::resetPeak() {
  const std::lock_guard lock(mutex_);
  peak_ = used_;
}

std::map<CUdeviceptr, SimulatedMemory::Mapping>::const_iterator
SimulatedMemory::findMapping(CUdeviceptr pointer) const {
  auto it = mappings_.upper_bound(pointer);
  if (it == mappings_.begin()) {
    return mappings_.end();
  }
  --it;
  return pointer < it->first + it->second.size ? it : mappings_.end();
}

CUresult SimulatedMemory::pointerInfo(CUdeviceptr pointer, PointerInfo& out) const {
  const std::lock_guard lock(mutex_);
  const auto it = findMapping(pointer);
  if (it == mappings_.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  out.kind = it->second.kind;
  out.base = it->second.allocationBase != 0 ? it->second.allocationBase : it->first;
  out.size = it->second.allocationBase != 0 ? it->second.allocationSize : it->second.size;
  out.device = device_;
  out.allocationId = it->second.allocationId;
  out.hostPointer = it->second.kind == MemoryKind::Device ? nullptr : reinterpret_cast<void*>(pointer);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::resolve(CUdeviceptr pointer, std::size_t bytes, std::vector<HostSpan>& spans) const {
  spans.clear();
  if (bytes == 0) {
    return CUDA_SUCCESS;
  }
  if (pointer + bytes < pointer) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  CUdeviceptr cursor = pointer;
  std::size_t remaining = bytes;
  while (remaining > 0) {
    const auto it = findMapping(cursor);
    if (it == mappings_.end()) {
      spans.clear();
      return CUDA_ERROR_INVALID_VALUE;
    }
    const std::size_t within = cursor - it->first;
    const std::size_t take = std::min(remaining, it->second.size - within);
    spans.push_back({it->second.backing->data + it->second.offset + within, take});
    cursor += take;
    remaining -= take;
  }
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::sim
