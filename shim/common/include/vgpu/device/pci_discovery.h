// PCI devices as libpci sees them under a sysfs root (default /sys; tests use fixture trees).
// libpci's default error handler exit()s the process: scanPciDevices installs handlers that never
// exit and never print, and turns a libpci error (missing or garbled tree) into ScanResult::error.
#pragma once

#include "vgpu/device/shim_config.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace vgpu::device {

struct PciAddress {
  std::uint32_t domain = 0;
  std::uint8_t bus = 0;
  std::uint8_t device = 0;
  std::uint8_t function = 0;
  friend bool operator==(const PciAddress&, const PciAddress&) = default;
  // PCI address order: domain, bus, device, function.
  friend bool operator<(const PciAddress& a, const PciAddress& b) {
    return std::tie(a.domain, a.bus, a.device, a.function) < std::tie(b.domain, b.bus, b.device, b.function);
  }
};

struct PciDevice {
  PciAddress address;
  std::uint16_t vendorId = 0;
  std::uint16_t deviceId = 0;
  std::uint16_t subsystemVendorId = 0;
  std::uint16_t subsystemDeviceId = 0;
  std::uint8_t revision = 0;
  std::uint32_t classCode = 0; // base class, subclass, programming interface: 0x030200
};

struct PciScanResult {
  std::vector<PciDevice> devices; // in libpci's (directory) order
  std::string error;              // empty on success
  std::vector<std::string> warnings;
};

inline constexpr std::uint16_t kNvidiaVendorId = 0x10de;

// Scans <sysfsRoot>/bus/pci/devices with libpci's sysfs method. Thread-safe; never exits.
PciScanResult scanPciDevices(std::string_view sysfsRoot);

// True for NVIDIA devices of class 0x0300xx (VGA) or 0x0302xx (3D controller), and for any device
// whose vendor:device is in extraMatches.
bool isGpuCandidate(const PciDevice& device, std::span<const PciId> extraMatches);

// The candidates among devices, sorted by address (domain, bus, device, function).
std::vector<PciDevice> selectGpuCandidates(std::span<const PciDevice> devices, std::span<const PciId> extraMatches);

// "0000:00:05.0" (the form of sysfs, lspci -D and cuDeviceGetPCIBusId).
std::string formatPciAddress(const PciAddress& address);

// "00000000:00:05.0" (NVML's busId form: 8-digit domain).
std::string formatNvmlBusId(const PciAddress& address);

} // namespace vgpu::device
