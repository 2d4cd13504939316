// The shims' log lines about configuration and discovery, in one place so both shims say the same.
#include "vgpu/device/device_discovery.h"
#include "vgpu/log.h"

namespace vgpu::device {

void logDiscovery(const ConfigLoad& load, const DiscoveryResult& result) {
  using vgpu::log::Level;
  if (!vgpu::log::enabled(Level::Error)) {
    return;
  }
  for (const ConfigProblem& problem : load.problems) {
    const std::string where = problem.line > 0 ? problem.source + ":" + std::to_string(problem.line) : problem.source;
    vgpu::log::writef(Level::Warn, "config", "%s: %s", where.c_str(), problem.message.c_str());
  }
  for (const std::string& warning : result.warnings) {
    vgpu::log::writef(Level::Warn, "discovery", "%s", warning.c_str());
  }
  if (result.devices.empty()) {
    vgpu::log::writef(Level::Error, "discovery", "no device presented: %s", result.error.c_str());
    return;
  }
  for (const PresentedDevice& device : result.devices) {
    const std::string name(device.profile->name);
    const std::string key(device.profile->key);
    vgpu::log::writef(Level::Info, "discovery", "%s %s (profile %s, PCI %s, %s)",
                      formatPciAddress(device.address).c_str(), name.c_str(), key.c_str(),
                      formatPciId({device.vendorId, device.deviceId}).c_str(), formatGpuUuid(device.uuid).c_str());
  }
}

} // namespace vgpu::device
