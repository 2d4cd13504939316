// Building a `cuda` session's backend and its device snapshots from the real driver.
#include "cuda_devices.h"

#include "cuda_backend.h"

#include "vgpu/device/device_profiles.h"

#include <array>
#include <cstring>

namespace vgpu::daemon {
namespace {

// The architecture's marketing name by compute capability (what the sim's profiles call it).
std::string architectureName(int major, int minor) {
  struct Entry {
    int major, minor;
    const char* name;
  };
  static constexpr std::array<Entry, 9> kNames{{{7, 0, "Volta"},
                                                {7, 5, "Turing"},
                                                {8, 0, "Ampere"},
                                                {8, 6, "Ampere"},
                                                {8, 7, "Ampere"},
                                                {8, 9, "Ada Lovelace"},
                                                {9, 0, "Hopper"},
                                                {10, 0, "Blackwell"},
                                                {12, 0, "Blackwell"}}};
  for (const Entry& entry : kNames) {
    if (entry.major == major && entry.minor == minor) {
      return entry.name;
    }
  }
  return "sm_" + std::to_string(major) + std::to_string(minor);
}

} // namespace

std::unique_ptr<cuda::ExecutionBackend> makeCudaDevices(const CudaDriver& driver,
                                                        const std::vector<wire::ExpectedDevice>& expected,
                                                        std::uint64_t vramQuotaBytes, SessionPriority priority,
                                                        std::vector<wire::DeviceSnapshot>& snapshots,
                                                        std::string& error) {
  if (expected.empty()) {
    error = "no device expected: the client's bus has no stub to serve";
    return nullptr;
  }
  if (!driver.initError.empty()) {
    error = driver.initError;
    return nullptr;
  }
  if (static_cast<int>(expected.size()) > driver.deviceCount) {
    error = "the client expects " + std::to_string(expected.size()) + " GPU(s); this host's driver shows " +
            std::to_string(driver.deviceCount);
    return nullptr;
  }
  std::vector<int> ordinals;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ordinals.push_back(static_cast<int>(i));
  }
  auto backend = std::make_unique<CudaBackend>(driver, ordinals, priority);
  if (!backend->ok()) {
    error = backend->error();
    return nullptr;
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const CudaBackend::Device& device = backend->device(static_cast<int>(i));
    wire::DeviceSnapshot snapshot;
    std::array<char, 256> name{};
    driver.cuDeviceGetName(name.data(), static_cast<int>(name.size()), device.device);
    snapshot.name = name.data();
    for (int id = device::kFirstAttribute; id < device::kFirstAttribute + device::kAttributeCount; ++id) {
      wire::AttributeSnapshot entry;
      int value = 0;
      entry.result = static_cast<std::int32_t>(
          driver.cuDeviceGetAttribute(&value, static_cast<CUdevice_attribute>(id), device.device));
      entry.value = entry.result == CUDA_SUCCESS ? value : 0;
      snapshot.attributes.push_back(entry);
    }
    const auto attribute = [&](CUdevice_attribute id) {
      const wire::AttributeSnapshot& entry =
          snapshot.attributes[static_cast<std::size_t>(id - device::kFirstAttribute)];
      return entry.result == CUDA_SUCCESS ? entry.value : 0;
    };
    snapshot.ccMajor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    snapshot.ccMinor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    snapshot.architecture = architectureName(snapshot.ccMajor, snapshot.ccMinor);
    snapshot.totalMemoryBytes = device.totalMemory;
    snapshot.multiProcessorCount = attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    snapshot.clockRateKHz = attribute(CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
    snapshot.memoryClockRateKHz = attribute(CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
    snapshot.memoryBusWidthBits = attribute(CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
    snapshot.l2CacheBytes = attribute(CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
    snapshot.sharedMemPerBlockOptin = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    snapshot.maxThreadsPerMultiProcessor = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);
    CUuuid uuid{};
    if (driver.cuDeviceGetUuid(&uuid, device.device) == CUDA_SUCCESS) {
      std::memcpy(snapshot.uuid.data(), uuid.bytes, snapshot.uuid.size());
    }
    std::array<char, 64> busId{};
    if (driver.cuDeviceGetPCIBusId(busId.data(), static_cast<int>(busId.size()), device.device) == CUDA_SUCCESS) {
      snapshot.pciBusId = busId.data();
    }
    snapshot.driverVersion = driver.version;
    snapshot.allocationGranularity = device.granularity;
    snapshot.memoryQuotaBytes = vramQuotaBytes;
    snapshot.simulated = false;
    snapshot.addressBase = device.slotBase;
    snapshot.addressSize = device.slotSize;
    snapshots.push_back(std::move(snapshot));
  }
  return backend;
}

} // namespace vgpu::daemon
