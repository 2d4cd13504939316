// Building a session's simulated devices and their snapshots from the device profile table.
#include "sim_devices.h"

#include "sim/simulated_backend.h"
#include "sim/simulated_memory.h"
#include "vgpu/device/device_profiles.h"

namespace vgpu::daemon {

std::unique_ptr<cuda::ExecutionBackend> makeSimulatedDevices(const std::vector<wire::ExpectedDevice>& expected,
                                                             std::uint64_t vramQuotaBytes,
                                                             std::vector<wire::DeviceSnapshot>& snapshots,
                                                             std::string& error) {
  if (expected.empty()) {
    error = "no device expected: the client's bus has no stub to serve";
    return nullptr;
  }
  std::vector<cuda::sim::SimulatedDeviceLimits> limits;
  for (const wire::ExpectedDevice& device : expected) {
    const device::DeviceProfile* profile = device::findProfileByKey(device.profileKey);
    if (profile == nullptr) {
      error = "unknown device profile '" + device.profileKey + "' (known: " + device::profileKeyList() + ")";
      return nullptr;
    }
    auto attribute = [&](CUdevice_attribute id, int fallback) {
      int value = fallback;
      device::profileAttribute(*profile, id, value);
      return value;
    };
    cuda::sim::SimulatedDeviceLimits limit;
    limit.totalMemoryBytes = profile->totalMemoryBytes;
    limit.ccMajor = profile->ccMajor;
    limit.ccMinor = profile->ccMinor;
    limit.maxThreadsPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1024);
    limit.maxBlockDim[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 1024);
    limit.maxBlockDim[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, 1024);
    limit.maxBlockDim[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 64);
    limit.maxGridDim[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, 2147483647);
    limit.maxGridDim[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, 65535);
    limit.maxGridDim[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, 65535);
    limit.maxSharedMemoryPerBlockOptin = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 49152);
    limits.push_back(limit);

    wire::DeviceSnapshot snapshot;
    snapshot.name = profile->name;
    snapshot.architecture = profile->architecture;
    snapshot.ccMajor = profile->ccMajor;
    snapshot.ccMinor = profile->ccMinor;
    snapshot.totalMemoryBytes = profile->totalMemoryBytes;
    snapshot.multiProcessorCount = profile->multiProcessorCount;
    snapshot.clockRateKHz = profile->clockRateKHz;
    snapshot.memoryClockRateKHz = profile->memoryClockRateKHz;
    snapshot.memoryBusWidthBits = profile->memoryBusWidthBits;
    snapshot.l2CacheBytes = profile->l2CacheBytes;
    snapshot.sharedMemPerBlockOptin = profile->sharedMemPerBlockOptin;
    snapshot.maxThreadsPerMultiProcessor = profile->maxThreadsPerMultiProcessor;
    snapshot.uuid = device.uuid; // a simulated device has no UUID of its own: it adopts the guest's
    snapshot.pciBusId = device.pciBusId;
    snapshot.driverVersion = CUDA_VERSION;
    snapshot.allocationGranularity = cuda::sim::SimulatedMemory::kGranularity;
    snapshot.memoryQuotaBytes = vramQuotaBytes;
    snapshot.simulated = true;
    for (int id = device::kFirstAttribute; id < device::kFirstAttribute + device::kAttributeCount; ++id) {
      const device::AttributeValue* value = device::findAttribute(*profile, id);
      wire::AttributeSnapshot entry;
      if (value != nullptr) {
        entry.value = value->value;
        entry.result = static_cast<std::int32_t>(value->result);
      } else {
        entry.result = CUDA_ERROR_INVALID_VALUE;
      }
      snapshot.attributes.push_back(entry);
    }
    snapshots.push_back(std::move(snapshot));
  }
  // Device addresses go to a slot of a region ordinary processes leave empty (32 … 96 TiB; mmap
  // hands out addresses just below 128 TiB, heaps start near 0), so the client can reserve the same
  // range in its own address space; the first slot not taken by another session of this daemon.
  std::size_t span = 0;
  for (const cuda::sim::SimulatedDeviceLimits& limit : limits) {
    span += cuda::sim::SimulatedMemory::addressSpaceFor(limit.totalMemoryBytes);
  }
  constexpr std::uintptr_t kRegionStart = std::uintptr_t{32} << 40;
  constexpr std::uintptr_t kSlot = std::uintptr_t{2} << 40;
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer owns 16 … 64 TiB (shadow and metadata) and kills a process that maps there:
  // a tsan build (preset tsan) places the device addresses anywhere.
  constexpr int kSlots = 0;
#else
  constexpr int kSlots = 32;
#endif
  std::unique_ptr<cuda::sim::SimulatedBackend> backend;
  for (int slot = 0; slot < kSlots && span <= kSlot; ++slot) {
    const std::uintptr_t hint = kRegionStart + static_cast<std::uintptr_t>(slot) * kSlot;
    backend = std::make_unique<cuda::sim::SimulatedBackend>(limits, hint);
    CUdeviceptr base = 0;
    std::size_t size = 0;
    if (backend->addressRange(0, base, size) && base >= hint && base < hint + kSlot) {
      break;
    }
    backend.reset();
  }
  if (backend == nullptr && kSlots == 0 && span <= kSlot) {
    backend = std::make_unique<cuda::sim::SimulatedBackend>(std::move(limits)); // tsan build only: anywhere
  }
  if (backend == nullptr) {
    // Never "anywhere" (but in the tsan build): the slots bound what all simulated sessions together can take of
    // vgpud's address space (64 TiB), so many large hellos cannot exhaust it for every tenant.
    error = span > kSlot ? "the simulated devices asked for need " + std::to_string(span >> 30) +
                               " GiB of address space; a session's slot holds " + std::to_string(kSlot >> 30) +
                               " GiB (ask for fewer devices)"
                         : "every address slot for simulated devices is taken (" + std::to_string(kSlots) +
                               " sessions); try again when a session ends";
    return nullptr;
  }
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    CUdeviceptr base = 0;
    std::size_t size = 0;
    backend->addressRange(static_cast<int>(i), base, size);
    snapshots[i].addressBase = base;
    snapshots[i].addressSize = size;
  }
  return backend;
}

} // namespace vgpu::daemon
