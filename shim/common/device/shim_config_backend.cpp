// Which backend the shims run (shim_config.h): the configured one, or vgpud when none was chosen.
// The simulated device is never a fallback; only backend = sim / VGPU_BACKEND=sim selects it.
#include "vgpu/device/shim_config.h"

namespace vgpu::device {

Backend effectiveBackend(const ShimConfig& config) {
  return config.backend.value_or(kDefaultBackend);
}

bool simulatedExplicitly(const ShimConfig& config) {
  return config.backend == Backend::Simulated;
}

std::string describeBackend(const ShimConfig& config) {
  if (!config.backend) {
    return std::string(backendName(kDefaultBackend)) + " (default: no backend configured)";
  }
  return std::string(backendName(*config.backend));
}

std::string unconfiguredBackendAdvice(const ConfigLoad& load) {
  if (load.config.backend) {
    return {};
  }
  return "; no backend is configured, so the shim uses vgpud: start vgpud there or set endpoint = in " + load.path +
         " (backend = sim selects the simulated device, for tests only)";
}

} // namespace vgpu::device
