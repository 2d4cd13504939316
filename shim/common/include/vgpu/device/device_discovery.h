// The one call both shims make at initialisation: which devices to present, with which profile
// and identity. An NVIDIA device without a profile (and no profile= mapping) is not presented; the
// result says why, naming the setting that maps it.
#pragma once

#include "vgpu/device/device_identity.h"
#include "vgpu/device/device_profiles.h"
#include "vgpu/device/pci_discovery.h"
#include "vgpu/device/shim_config.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vgpu::device {

struct PresentedDevice {
  PciAddress address;
  std::uint16_t vendorId = 0;
  std::uint16_t deviceId = 0;
  std::uint16_t subsystemVendorId = 0;
  std::uint16_t subsystemDeviceId = 0;
  std::uint8_t revision = 0;
  std::uint32_t classCode = 0;
  const DeviceProfile* profile = nullptr; // never null in a DiscoveryResult
  Uuid uuid{};
};

struct DiscoveryResult {
  std::vector<PresentedDevice> devices; // sorted by PCI address
  std::string error;                    // why none was presented, or what failed; empty when some are
  std::vector<std::string> warnings;    // devices left out, libpci warnings, machine id trouble
};

DiscoveryResult discoverDevices(const ShimConfig& config);

// The device's attribute as the real driver would answer it for this board: the profile's value,
// except the ones that describe the board itself (PCI domain/bus/device, PCI device and subsystem
// ids), which come from the presented device. False: the driver answers an error (see
// findAttribute for which) or the attribute id is unknown.
bool presentedAttribute(const PresentedDevice& device, int attribute, int& value);

// Writes the configuration problems (warn), the discovery warnings (warn), the reason no device is
// presented (error) and each presented device (info) through vgpu::log, so both shims say the
// same; silent unless VGPU_LOG asks.
void logDiscovery(const ConfigLoad& load, const DiscoveryResult& result);

} // namespace vgpu::device
