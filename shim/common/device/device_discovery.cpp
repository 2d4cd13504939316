// discoverDevices: PCI scan → GPU candidates → profile (profile= mapping first, then the PCI device
// id) → identity. Devices without a profile are left out with a message naming the setting that
// maps them; when nothing is presented, DiscoveryResult::error says why.
#include "vgpu/device/device_discovery.h"

#include "shim_config_internal.h"
#include "vgpu/bounded_file.h"

namespace vgpu::device {
namespace {

constexpr std::size_t kMaxMachineIdBytes = 4096;

const DeviceProfile* profileFor(const PciDevice& device, const ShimConfig& config) {
  for (const ProfileMapping& mapping : config.profileMappings) {
    if (mapping.id == PciId{device.vendorId, device.deviceId}) {
      return findProfileByKey(mapping.profileKey);
    }
  }
  return device.vendorId == kNvidiaVendorId ? findProfileByPciDevice(device.deviceId) : nullptr;
}

std::string noProfileMessage(const PciDevice& device) {
  const std::string id = formatPciId({device.vendorId, device.deviceId});
  return "PCI device " + id + " at " + formatPciAddress(device.address) +
         " has no device profile; map it with profile=" + id + "=<key> in " + std::string(kDefaultConfigPath) +
         " or VGPU_PROFILE (known keys: " + profileKeyList() + ")";
}

std::string readMachineId(const ShimConfig& config, std::vector<std::string>& warnings) {
  const BoundedRead file = readBoundedFile(config.machineIdFile, kMaxMachineIdBytes);
  if (!file.ok) {
    warnings.push_back("machine id " + config.machineIdFile + ": " + file.error +
                       "; device UUIDs are derived from the PCI address alone and are not unique across machines");
    return {};
  }
  const std::string_view trimmed = trimMachineId(file.text);
  if (trimmed.empty()) {
    warnings.push_back("machine id " + config.machineIdFile +
                       " is empty; device UUIDs are derived from the PCI address alone");
  }
  return std::string(trimmed);
}

} // namespace

DiscoveryResult discoverDevices(const ShimConfig& config) {
  DiscoveryResult result;
  PciScanResult scan = scanPciDevices(config.sysfsRoot);
  result.warnings = std::move(scan.warnings);
  if (!scan.error.empty()) {
    result.error = std::move(scan.error);
    return result;
  }

  const std::vector<PciDevice> candidates = selectGpuCandidates(scan.devices, config.extraMatches);
  if (candidates.empty()) {
    result.error = "no NVIDIA display or 3D controller (PCI class 0x0300/0x0302) and no configured match among the " +
                   std::to_string(scan.devices.size()) + " PCI devices under " + config.sysfsRoot + "/bus/pci/devices";
    return result;
  }

  std::vector<std::string> leftOut;
  std::string machineId;
  bool machineIdRead = false;
  for (const PciDevice& device : candidates) {
    const DeviceProfile* profile = profileFor(device, config);
    if (profile == nullptr) {
      leftOut.push_back(noProfileMessage(device));
      continue;
    }
    if (!machineIdRead) {
      machineId = readMachineId(config, result.warnings);
      machineIdRead = true;
    }
    PresentedDevice presented;
    presented.address = device.address;
    presented.vendorId = device.vendorId;
    presented.deviceId = device.deviceId;
    presented.subsystemVendorId = device.subsystemVendorId;
    presented.subsystemDeviceId = device.subsystemDeviceId;
    presented.revision = device.revision;
    presented.classCode = device.classCode;
    presented.profile = profile;
    presented.uuid = deviceUuid(machineId, device.address);
    result.devices.push_back(presented);
  }

  if (result.devices.empty()) {
    for (const std::string& message : leftOut) {
      result.error += result.error.empty() ? message : "; " + message;
    }
  } else {
    result.warnings.insert(result.warnings.end(), leftOut.begin(), leftOut.end());
  }
  return result;
}

bool presentedAttribute(const PresentedDevice& device, int attribute, int& value) {
  if (device.profile == nullptr) {
    return false;
  }
  const auto packed = [](std::uint16_t high, std::uint16_t low) {
    return static_cast<int>((static_cast<std::uint32_t>(high) << 16) | low);
  };
  switch (attribute) {
  case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID: value = static_cast<int>(device.address.domain); return true;
  case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: value = device.address.bus; return true;
  case CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID: value = device.address.device; return true;
  case CU_DEVICE_ATTRIBUTE_GPU_PCI_DEVICE_ID: value = packed(device.deviceId, device.vendorId); return true;
  case CU_DEVICE_ATTRIBUTE_GPU_PCI_SUBSYSTEM_ID:
    value = packed(device.subsystemDeviceId, device.subsystemVendorId);
    return true;
  default: return profileAttribute(*device.profile, attribute, value);
  }
}

} // namespace vgpu::device
