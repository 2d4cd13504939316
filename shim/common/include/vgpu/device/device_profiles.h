// Device profiles as data: what a real GPU of a given SKU reports — name, PCI id, compute
// capability, SMs, memory, clocks, and every CUdevice_attribute (ids 1 … CU_DEVICE_ATTRIBUTE_MAX-1
// of cuda.h 13.0) with the value or the error the real driver answers. The table lives in
// device_profile_table.cpp (SKUs) on top of device_profile_architectures.h (per-architecture
// attribute sets); docs/device-profiles.md is generated from it by vgpu-profile-table.
#pragma once

#include <cuda.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vgpu::device {

// Attribute ids a profile answers: 1 … CU_DEVICE_ATTRIBUTE_MAX-1 of the cuda.h built against.
inline constexpr int kFirstAttribute = 1;
inline constexpr int kAttributeCount = CU_DEVICE_ATTRIBUTE_MAX - 1;

struct AttributeValue {
  CUdevice_attribute attribute;
  int value = 0;
  CUresult result = CUDA_SUCCESS; // not CUDA_SUCCESS: the driver answers this error, value unused
};

struct DeviceProfile {
  std::string_view key;          // configuration key, e.g. "h100-pcie"
  std::string_view name;         // exactly as the driver reports it (cuDeviceGetName, NVML)
  std::string_view architecture; // "Hopper", "Ampere GA100", ...
  std::uint16_t pciDeviceId = 0; // primary PCI device id (vendor 0x10de)
  int ccMajor = 0;
  int ccMinor = 0;
  std::uint64_t totalMemoryBytes = 0; // cuDeviceTotalMem
  int multiProcessorCount = 0;
  int clockRateKHz = 0;       // maximum SM clock
  int memoryClockRateKHz = 0; // maximum memory clock
  int memoryBusWidthBits = 0;
  int l2CacheBytes = 0;
  int sharedMemPerBlockOptin = 0;
  int maxThreadsPerMultiProcessor = 0;
  std::string_view source;                    // where the figures come from
  std::span<const AttributeValue> attributes; // index i holds attribute id i + 1
};

std::span<const DeviceProfile> allProfiles();
const DeviceProfile* findProfileByPciDevice(std::uint16_t pciDeviceId);
const DeviceProfile* findProfileByKey(std::string_view key);

// The attribute's entry, or nullptr for an id outside 1 … CU_DEVICE_ATTRIBUTE_MAX-1.
const AttributeValue* findAttribute(const DeviceProfile& profile, int attribute);

// False when the driver answers an error for the attribute or the id is unknown.
bool profileAttribute(const DeviceProfile& profile, int attribute, int& value);

// "h100-pcie, h100-sxm5, ..." for messages.
std::string profileKeyList();

// docs/device-profiles.md, generated from the table.
std::string renderProfileTableMarkdown();

} // namespace vgpu::device
