// Lazy discovery and the never-freed device table behind nvmlDevice_t handles.
#include "nvml_devices.h"

#include "vgpu/device/device_identity.h"
#include "vgpu/device/shim_config.h"
#include "vgpu/log.h"
#include "vgpu/vgpud_probe.h"

#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

namespace vgpu::nvml {
namespace {

struct NvmlState {
  std::mutex mutex;
  unsigned int references = 0;
  std::vector<nvmlDevice_st> devices; // filled once, then never resized
};

NvmlState& state() {
  // Never destroyed: clients call NVML from their own exit-time destructors.
  static NvmlState* const instance = new NvmlState;
  return *instance;
}

// NVML prints bus ids with upper-case hex digits (nvml.h's NVML_DEVICE_PCI_BUS_ID_FMT: 8-digit
// domain; NVML_DEVICE_PCI_BUS_ID_LEGACY_FMT: 4-digit domain).
std::string pciBusId(int domainDigits, const device::PciAddress& address) {
  char text[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
  static_cast<void>(std::snprintf(text, sizeof text, "%0*X:%02X:%02X.%X", domainDigits, address.domain, address.bus,
                                  address.device, address.function));
  return text;
}

// How long nvmlInit waits for vgpud's version reply: nvidia-smi and Ollama's discovery must not
// hang on a daemon that accepts and never answers.
constexpr int kVgpudProbeMilliseconds = 5000;

std::vector<nvmlDevice_st> discover() {
  // NVML presents the devices the guest's bus shows, with the UUIDs the CUDA shim presents for them
  // (the guest's own). With the remote backend, configured or by default, only when vgpud answers:
  // the CUDA shim presents nothing without it, and NVML must agree (no GPU that cannot run work).
  const device::ConfigLoad load = device::loadShimConfig(device::processEnvironment());
  const device::DiscoveryResult discovery = device::discoverDevices(load.config);
  device::logDiscovery(load, discovery);
  if (!discovery.devices.empty() && device::effectiveBackend(load.config) == device::Backend::Remote) {
    std::string error;
    if (!vgpudAnswers(load.config.endpoint, kVgpudProbeMilliseconds, error)) {
      log::writef(log::Level::Error, "nvmlInit", "no device: %s%s", error.c_str(),
                  device::unconfiguredBackendAdvice(load).c_str());
      return {};
    }
  }
  std::vector<nvmlDevice_st> table;
  table.reserve(discovery.devices.size());
  for (const device::PresentedDevice& presented : discovery.devices) {
    nvmlDevice_st& entry = table.emplace_back();
    entry.index = static_cast<unsigned int>(table.size() - 1);
    entry.presented = presented;
    entry.uuid = device::formatGpuUuid(presented.uuid);
    entry.busId = pciBusId(8, presented.address);
    entry.busIdLegacy = pciBusId(4, presented.address);
  }
  return table;
}

} // namespace

nvmlReturn_t initialize() {
  NvmlState& s = state();
  static std::once_flag discovered;
  std::call_once(discovered, [&s] { s.devices = discover(); });
  const std::lock_guard lock(s.mutex);
  ++s.references;
  return NVML_SUCCESS;
}

nvmlReturn_t shutdown() {
  NvmlState& s = state();
  const std::lock_guard lock(s.mutex);
  if (s.references == 0) {
    return NVML_ERROR_UNINITIALIZED;
  }
  --s.references;
  return NVML_SUCCESS;
}

bool initialized() {
  NvmlState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.references > 0;
}

std::span<nvmlDevice_st> devices() {
  return state().devices;
}

nvmlReturn_t checkDevice(nvmlDevice_t device) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  const std::span<nvmlDevice_st> table = devices();
  for (nvmlDevice_st& entry : table) {
    if (&entry == device) {
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t copyString(std::string_view text, char* buffer, unsigned int length) {
  if (buffer == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (text.size() + 1 > length) {
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return NVML_SUCCESS;
}

} // namespace vgpu::nvml
