// A fixture PCI tree plus what the shims' own discovery presents on it: the expectation the NVML
// tests compare nvidia-smi's and the probe's output with.
#pragma once

#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/shim_config.h"

#include <string>

namespace vgpu::test {

inline std::string machineIdFile() {
  return (dataDir() / "sysfs" / "machine-id").string();
}

struct PresentedDevicesFixture {
  std::string sysfsRoot;
  vgpu::device::DiscoveryResult expected;
};

inline PresentedDevicesFixture presentedDevices(const std::string& tree) {
  PresentedDevicesFixture f;
  f.sysfsRoot = buildSysfsTree(tree).string();
  vgpu::device::ShimConfig config;
  config.sysfsRoot = f.sysfsRoot;
  config.machineIdFile = machineIdFile();
  f.expected = vgpu::device::discoverDevices(config);
  return f;
}

} // namespace vgpu::test
