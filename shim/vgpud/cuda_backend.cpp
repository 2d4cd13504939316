// The `cuda` backend's contexts, address slots, device memory and VMM (see cuda_backend.h).
#include "cuda_backend.h"

#include "vgpu/log.h"

#include <algorithm>
#include <mutex>

namespace vgpu::daemon {
namespace {

constexpr const char* kComponent = "vgpud";

// Address slots, as the sim backend places them: 2 TiB each from 32 TiB, where ordinary processes
// (the guest's included) have nothing mapped, so the client can keep the same range free.
constexpr CUdeviceptr kSlotRegionStart = CUdeviceptr{32} << 40;
constexpr std::size_t kSlotBytes = std::size_t{2} << 40;
constexpr int kSlots = 32;
constexpr std::size_t kAllocationAlignment = 512; // cuMemAlloc's

// Errors after which CUDA declares the context unusable: every later call returns the same error.
bool isStickyFault(CUresult result) {
  switch (result) {
  case CUDA_ERROR_ILLEGAL_ADDRESS:
  case CUDA_ERROR_LAUNCH_FAILED:
  case CUDA_ERROR_MISALIGNED_ADDRESS:
  case CUDA_ERROR_ILLEGAL_INSTRUCTION:
  case CUDA_ERROR_HARDWARE_STACK_ERROR:
  case CUDA_ERROR_INVALID_PC:
  case CUDA_ERROR_INVALID_ADDRESS_SPACE:
  case CUDA_ERROR_ASSERT:
  case CUDA_ERROR_LAUNCH_TIMEOUT:
  case CUDA_ERROR_ECC_UNCORRECTABLE: return true;
  default: return false;
  }
}

std::size_t roundUp(std::size_t value, std::size_t step) {
  return (value + step - 1) / step * step;
}

CUmemAllocationProp deviceMemory(CUdevice device) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = device;
  return prop;
}

// Reserves the session's slot on one device: a fixed 2 TiB slot when the driver honours the
// address, else (a driver double with a small address space) the largest range it gives anywhere.
CUresult reserveSlot(const CudaDriver& driver, CudaBackend::Device& device) {
  // Sessions start concurrently: one at a time probes the slots, so two never race for one.
  static std::mutex probing;
  const std::lock_guard lock(probing);
  for (int slot = 0; slot < kSlots; ++slot) {
    const CUdeviceptr hint = kSlotRegionStart + static_cast<CUdeviceptr>(slot) * kSlotBytes;
    CUdeviceptr got = 0;
    if (driver.cuMemAddressReserve(&got, kSlotBytes, device.granularity, hint, 0) != CUDA_SUCCESS) {
      continue;
    }
    if (got == hint) {
      device.slotBase = got;
      device.slotSize = kSlotBytes;
      return CUDA_SUCCESS;
    }
    driver.cuMemAddressFree(got, kSlotBytes);
  }
  CUresult result = CUDA_ERROR_OUT_OF_MEMORY;
  for (std::size_t bytes = roundUp(device.totalMemory, device.granularity); bytes >= device.granularity;
       bytes = roundUp(bytes / 2, device.granularity)) {
    CUdeviceptr got = 0;
    result = driver.cuMemAddressReserve(&got, bytes, device.granularity, 0, 0);
    if (result == CUDA_SUCCESS) {
      device.slotBase = got;
      device.slotSize = bytes;
      log::writef(log::Level::Warn, kComponent,
                  "the driver placed a session's device addresses outside the 32-96 TiB slots (%#llx, %zu bytes)",
                  static_cast<unsigned long long>(got), bytes);
      return CUDA_SUCCESS;
    }
    if (bytes == device.granularity) {
      break;
    }
  }
  return result;
}

} // namespace

CudaBackend::CudaBackend(const CudaDriver& driver, const std::vector<int>& ordinals, SessionPriority priority)
    : driver_(driver), priority_(priority) {
  for (const int ordinal : ordinals) {
    Device device;
    CUresult result = driver_.cuDeviceGet(&device.device, ordinal);
    if (result == CUDA_SUCCESS) {
      result = driver_.cuCtxCreate_v2(&device.context, CU_CTX_SCHED_AUTO, device.device);
    }
    if (result == CUDA_SUCCESS) {
      const CUmemAllocationProp prop = deviceMemory(device.device);
      result = driver_.cuMemGetAllocationGranularity(&device.granularity, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM);
    }
    if (result == CUDA_SUCCESS) {
      result = driver_.cuDeviceTotalMem(&device.totalMemory, device.device);
    }
    if (result == CUDA_SUCCESS && device.granularity == 0) {
      result = CUDA_ERROR_NOT_SUPPORTED;
    }
    if (result == CUDA_SUCCESS) {
      result = reserveSlot(driver_, device);
    }
    if (result != CUDA_SUCCESS) {
      error_ = "GPU " + std::to_string(ordinal) + ": cannot set up a context and address slot (" +
               driver_.errorName(result) + ")";
      if (device.context != nullptr) {
        driver_.cuCtxDestroy(device.context);
      }
      break;
    }
    device.addresses = AddressRangeAllocator(device.slotBase, device.slotSize);
    device.usage.totalBytes = device.totalMemory;
    devices_.push_back(std::move(device));
  }
}

CudaBackend::~CudaBackend() {
  releaseEverything();
}

void CudaBackend::releaseEverything() {
  // Wait for the session's work first: unmapping memory a kernel still uses would fault it.
  for (std::size_t device = 0; device < devices_.size(); ++device) {
    if (bind(static_cast<int>(device)) == CUDA_SUCCESS) {
      driver_.cuCtxSynchronize();
    }
  }
  for (const auto& [base, range] : ranges_) {
    if (range.kind == RangeKind::Allocation) {
      driver_.cuMemUnmap(base, range.mappedSize);
    } else if (range.kind == RangeKind::Mapping) {
      driver_.cuMemUnmap(base, range.size);
    } else if (range.kind == RangeKind::Managed) {
      driver_.cuMemHostUnregister(reinterpret_cast<void*>(base));
    }
    if (range.kind == RangeKind::Allocation) {
      driver_.cuMemRelease(range.physical);
    }
  }
  ranges_.clear();
  for (const auto& [id, graph] : graphs_) {
    driver_.cuGraphExecDestroy(graph.exec);
  }
  graphs_.clear();
  for (const auto& [id, physical] : physicals_) {
    if (!physical.released) {
      driver_.cuMemRelease(physical.handle);
    }
  }
  physicals_.clear();
  for (const auto& [id, stream] : streams_) {
    driver_.cuStreamDestroy(stream.stream);
  }
  streams_.clear();
  for (const auto& [id, event] : events_) {
    driver_.cuEventDestroy(event.event);
  }
  events_.clear();
  for (const auto& [id, module] : modules_) {
    driver_.cuModuleUnload(module.module);
  }
  modules_.clear();
  functions_.clear();
  for (Device& device : devices_) {
    driver_.cuMemAddressFree(device.slotBase, device.slotSize);
    driver_.cuCtxDestroy(device.context);
  }
  devices_.clear();
  bound_ = -1;
}

std::string CudaBackend::describe() const {
  return "cuda (" + driver_.resolved + ")";
}

std::string_view CudaBackend::limitations() const {
  return "allocations are rounded up to the VMM granularity; managed memory and host memory from the client are "
         "not offered; events and the client's VMM reservations live on the session's first device";
}

CUresult CudaBackend::bind(int device) {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (bound_ != device) {
    if (const CUresult result = driver_.cuCtxSetCurrent(devices_[static_cast<std::size_t>(device)].context);
        result != CUDA_SUCCESS) {
      return result;
    }
    bound_ = device;
  }
  return sticky_;
}

CUresult CudaBackend::note(CUresult result) {
  if (isStickyFault(result) && sticky_ == CUDA_SUCCESS) {
    sticky_ = result;
    log::writef(log::Level::Warn, kComponent,
                "a session's context faulted (%s): its later calls fail with it; other sessions go on",
                driver_.errorName(result).c_str());
  }
  return result;
}

const CudaBackend::Range* CudaBackend::rangeAt(CUdeviceptr pointer, CUdeviceptr& base) const {
  auto it = ranges_.upper_bound(pointer);
  if (it == ranges_.begin()) {
    return nullptr;
  }
  --it;
  if (pointer - it->first >= it->second.size) {
    return nullptr;
  }
  base = it->first;
  return &it->second;
}

bool CudaBackend::knownRange(CUdeviceptr pointer, std::size_t bytes, int& device) const {
  CUdeviceptr base = 0;
  const Range* range = rangeAt(pointer, base);
  if (range == nullptr || pointer + bytes < pointer) {
    return false;
  }
  device = range->device;
  CUdeviceptr end = base + range->size;
  // A buffer may span adjacent mappings (a VMM pool grown chunk by chunk).
  while (end < pointer + bytes) {
    const auto next = ranges_.find(end);
    if (next == ranges_.end() || next->second.device != device) {
      return false;
    }
    end += next->second.size;
  }
  return true;
}

CUresult CudaBackend::mapPhysical(int device, CUdeviceptr address, std::size_t bytes,
                                  CUmemGenericAllocationHandle handle, std::size_t offset) {
  CUresult result = driver_.cuMemMap(address, bytes, offset, handle, 0);
  if (result != CUDA_SUCCESS) {
    return result;
  }
  CUmemAccessDesc access{};
  access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  access.location.id = devices_[static_cast<std::size_t>(device)].device;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  result = driver_.cuMemSetAccess(address, bytes, &access, 1);
  if (result != CUDA_SUCCESS) {
    driver_.cuMemUnmap(address, bytes);
  }
  return result;
}

CUresult CudaBackend::memAlloc(int device, std::size_t bytes, CUdeviceptr& out) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Device& target = devices_[static_cast<std::size_t>(device)];
  const std::size_t size = roundUp(bytes, target.granularity);
  const auto address = target.addresses.allocate(size, target.granularity);
  if (!address) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const CUmemAllocationProp prop = deviceMemory(target.device);
  CUmemGenericAllocationHandle handle = 0;
  CUresult result = driver_.cuMemCreate(&handle, size, &prop, 0);
  if (result == CUDA_SUCCESS) {
    result = mapPhysical(device, *address, size, handle, 0);
    if (result != CUDA_SUCCESS) {
      driver_.cuMemRelease(handle);
    }
  }
  if (result != CUDA_SUCCESS) {
    target.addresses.release(*address, size);
    return note(result);
  }
  ranges_[*address] =
      Range{roundUp(bytes, kAllocationAlignment), size, device, RangeKind::Allocation, handle, nextId_++, 0, 0};
  target.usage.usedBytes += size;
  target.usage.peakBytes = std::max(target.usage.peakBytes, target.usage.usedBytes);
  ++target.usage.allocationCount;
  out = *address;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::memAllocManaged(int, std::size_t, CUdeviceptr&) {
  // Managed memory of this process would be out of the client's reach: a client's managed memory
  // is its own shared memfd (memAllocManagedOver).
  return CUDA_ERROR_NOT_SUPPORTED;
}

// A client's managed memory: its memfd, mapped by the session at an address the kernel chose here,
// which the client maps too. Registered device-mapped, the GPU reaches the same bytes at the same
// address (unified addressing: the device pointer of registered memory is its host address), over
// the bus: coherent for both sides, at PCIe speed rather than the GPU's memory's.
CUresult CudaBackend::memAllocManagedOver(int device, void* memory, std::size_t bytes, CUdeviceptr& out) {
  if (memory == nullptr || bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  const auto address = reinterpret_cast<CUdeviceptr>(memory);
  CUdeviceptr before = 0;
  if (const auto next = ranges_.lower_bound(address);
      (next != ranges_.end() && next->first < address + bytes) || rangeAt(address, before) != nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUresult result =
      driver_.cuMemHostRegister(memory, bytes, CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP);
  if (result != CUDA_SUCCESS) {
    return note(result);
  }
  CUdeviceptr mapped = 0;
  result = driver_.cuMemHostGetDevicePointer(&mapped, memory, 0);
  if (result != CUDA_SUCCESS || mapped != address) {
    // A device that maps host memory elsewhere (no host-pointer use of registered memory) could
    // not use the client's address.
    driver_.cuMemHostUnregister(memory);
    log::writef(log::Level::Info, kComponent,
                "managed memory refused: the GPU's driver maps registered host memory at another address (%s)",
                driver_.errorName(result).c_str());
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  ranges_[address] = Range{bytes, bytes, device, RangeKind::Managed, 0, nextId_++, 0, 0};
  out = address;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::memFree(CUdeviceptr pointer) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  const auto it = ranges_.find(pointer);
  if (it == ranges_.end() || (it->second.kind != RangeKind::Allocation && it->second.kind != RangeKind::Managed)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const Range range = it->second;
  if (const CUresult bound = bind(range.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  // cuMemFree waits for the device's work that may still use the memory; unmapping must too.
  if (const CUresult result = note(driver_.cuCtxSynchronize()); result != CUDA_SUCCESS) {
    return result;
  }
  if (range.kind == RangeKind::Managed) {
    driver_.cuMemHostUnregister(reinterpret_cast<void*>(pointer)); // the session unmaps it after this
    ranges_.erase(it);
    return CUDA_SUCCESS;
  }
  driver_.cuMemUnmap(pointer, range.mappedSize);
  driver_.cuMemRelease(range.physical);
  ranges_.erase(it);
  Device& target = devices_[static_cast<std::size_t>(range.device)];
  target.addresses.release(pointer, range.mappedSize);
  target.usage.usedBytes -= range.mappedSize;
  --target.usage.allocationCount;
  return CUDA_SUCCESS;
}

// Host memory is the client's own: the remote shim keeps it and never asks vgpud for it.
CUresult CudaBackend::hostAlloc(std::size_t, void*&) {
  return CUDA_ERROR_NOT_SUPPORTED;
}
CUresult CudaBackend::hostFree(void*) {
  return CUDA_ERROR_NOT_SUPPORTED;
}

// The session's mapping of a client's pinned region (a shared memfd): pinned for the driver too,
// so copies to and from it are direct DMA and truly asynchronous, as from pinned memory natively.
CUresult CudaBackend::hostRegister(void* pointer, std::size_t bytes) {
  if (const CUresult bound = bind(0); bound != CUDA_SUCCESS) {
    return bound;
  }
  return driver_.cuMemHostRegister(pointer, bytes, 0);
}
CUresult CudaBackend::hostUnregister(void* pointer) {
  if (const CUresult bound = bind(0); bound != CUDA_SUCCESS) {
    return bound;
  }
  // Its copies must be done before the mapping goes.
  driver_.cuCtxSynchronize();
  return driver_.cuMemHostUnregister(pointer);
}

CUresult CudaBackend::memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return driver_.cuMemGetInfo(&freeBytes, &totalBytes);
}

CUresult CudaBackend::pointerInfo(CUdeviceptr pointer, cuda::PointerInfo& out) {
  CUdeviceptr base = 0;
  const Range* range = rangeAt(pointer, base);
  if (range == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const bool managed = range->kind == RangeKind::Managed;
  out.kind = managed ? cuda::MemoryKind::Managed : cuda::MemoryKind::Device;
  out.base = base;
  out.size = range->size;
  out.device = range->device;
  out.hostPointer = managed ? reinterpret_cast<void*>(pointer) : nullptr;
  out.allocationId = range->allocationId;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::memUsage(int device, cuda::MemoryUsage& out) const {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  out = devices_[static_cast<std::size_t>(device)].usage;
  return CUDA_SUCCESS;
}

void CudaBackend::resetMemoryPeaks() {
  for (Device& device : devices_) {
    device.usage.peakBytes = device.usage.usedBytes;
  }
}

std::size_t CudaBackend::allocationGranularity(int device) const {
  return validDevice(device) ? devices_[static_cast<std::size_t>(device)].granularity : 0;
}

CUresult CudaBackend::physicalCreate(int device, std::size_t bytes, cuda::BackendPhysical& out) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  Device& target = devices_[static_cast<std::size_t>(device)];
  if (bytes == 0 || bytes % target.granularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUmemAllocationProp prop = deviceMemory(target.device);
  CUmemGenericAllocationHandle handle = 0;
  if (const CUresult result = driver_.cuMemCreate(&handle, bytes, &prop, 0); result != CUDA_SUCCESS) {
    return note(result);
  }
  out = nextId_++;
  physicals_[out] = Physical{handle, device, bytes, 0, false};
  target.usage.usedBytes += bytes;
  target.usage.peakBytes = std::max(target.usage.peakBytes, target.usage.usedBytes);
  ++target.usage.allocationCount;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::physicalRelease(cuda::BackendPhysical id) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  const auto it = physicals_.find(id);
  if (it == physicals_.end() || it->second.released) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // As in CUDA, memory still mapped stays until its last unmap; the handle is gone at once.
  driver_.cuMemRelease(it->second.handle);
  it->second.released = true;
  if (it->second.mappings == 0) {
    Device& target = devices_[static_cast<std::size_t>(it->second.device)];
    target.usage.usedBytes -= it->second.size;
    --target.usage.allocationCount;
    physicals_.erase(it);
  }
  return CUDA_SUCCESS;
}

CUresult CudaBackend::addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) {
  if (devices_.empty()) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  Device& target = devices_.front();
  if (bytes == 0 || bytes % target.granularity != 0 || (alignment & (alignment - 1)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::size_t align = std::max(alignment, target.granularity);
  // A requested address is honoured when that part of the slot is free, else (as CUDA does) another.
  if (fixed != 0 && fixed % align == 0 && target.addresses.claim(fixed, bytes)) {
    out = fixed;
  } else if (const auto address = target.addresses.allocate(bytes, align)) {
    out = *address;
  } else {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  reservations_[out] = Reservation{bytes, 0};
  return CUDA_SUCCESS;
}

CUresult CudaBackend::addressFree(CUdeviceptr base, std::size_t bytes) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  const auto it = reservations_.find(base);
  if (it == reservations_.end() || it->second.size != bytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (auto range = ranges_.lower_bound(base); range != ranges_.end() && range->first < base + bytes; ++range) {
    if (range->second.kind == RangeKind::Mapping) {
      return CUDA_ERROR_INVALID_VALUE; // still mapped: unmap first, as CUDA requires
    }
  }
  devices_[static_cast<std::size_t>(it->second.device)].addresses.release(base, bytes);
  reservations_.erase(it);
  return CUDA_SUCCESS;
}

CUresult CudaBackend::map(CUdeviceptr address, std::size_t bytes, std::size_t offset, cuda::BackendPhysical id) {
  const auto physical = physicals_.find(id);
  auto reservation = reservations_.upper_bound(address);
  if (physical == physicals_.end() || physical->second.released || reservation == reservations_.begin() || bytes == 0 ||
      offset > physical->second.size || bytes > physical->second.size - offset) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  --reservation;
  if (address < reservation->first || address + bytes > reservation->first + reservation->second.size) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Nothing of the range may be mapped already.
  const auto next = ranges_.lower_bound(address);
  CUdeviceptr before = 0;
  if ((next != ranges_.end() && next->first < address + bytes) || rangeAt(address, before) != nullptr) {
    return CUDA_ERROR_ALREADY_MAPPED;
  }
  const int device = physical->second.device;
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  if (const CUresult result = driver_.cuMemMap(address, bytes, offset, physical->second.handle, 0);
      result != CUDA_SUCCESS) {
    return note(result);
  }
  ranges_[address] = Range{bytes, bytes, device, RangeKind::Mapping, 0, nextId_++, 0, id};
  ++physical->second.mappings;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::unmap(CUdeviceptr address, std::size_t bytes) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  // The range must consist of whole mappings (it may cover several adjacent ones).
  std::vector<CUdeviceptr> covered;
  CUdeviceptr end = address;
  while (end < address + bytes) {
    const auto range = ranges_.find(end);
    if (range == ranges_.end() || range->second.kind != RangeKind::Mapping) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    covered.push_back(end);
    end += range->second.size;
  }
  if (covered.empty() || end != address + bytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult bound = bind(ranges_[address].device); bound != CUDA_SUCCESS) {
    return bound;
  }
  for (const CUdeviceptr start : covered) {
    const Range range = ranges_[start];
    if (const CUresult result = driver_.cuMemUnmap(start, range.size); result != CUDA_SUCCESS) {
      return note(result);
    }
    ranges_.erase(start);
    const auto physical = physicals_.find(range.physicalId);
    if (physical != physicals_.end() && --physical->second.mappings == 0 && physical->second.released) {
      Device& target = devices_[static_cast<std::size_t>(physical->second.device)];
      target.usage.usedBytes -= physical->second.size;
      --target.usage.allocationCount;
      physicals_.erase(physical);
    }
  }
  return CUDA_SUCCESS;
}

CUresult CudaBackend::setAccess(CUdeviceptr address, std::size_t bytes, int device, bool readWrite) {
  int rangeDevice = 0;
  if (!knownRange(address, bytes, rangeDevice) || !validDevice(device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUmemAccessDesc access{};
  access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  access.location.id = devices_[static_cast<std::size_t>(device)].device;
  access.flags = readWrite ? CU_MEM_ACCESS_FLAGS_PROT_READWRITE : CU_MEM_ACCESS_FLAGS_PROT_READ;
  return note(driver_.cuMemSetAccess(address, bytes, &access, 1));
}

} // namespace vgpu::daemon
