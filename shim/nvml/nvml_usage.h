// Who uses a presented device and how much of its memory: the CUDA shim in this process (its
// private cuVgpuDeviceMemoryUsage) plus every other shim process's control socket in the runtime
// directories (docs/telemetry-protocol.md, vgpu/telemetry/runtime_directory.h). NVML's memory and
// process queries answer from this; it is never a guess: with neither source the usage is
// "unknown" — memory then answers used 0 (no process is known to use the device), processes and
// utilization NOT_SUPPORTED. Processes whose sockets refuse this caller are missing (said once, at
// warn, with the remedy: membership of the telemetry group).
#pragma once

#include "nvml_devices.h"

#include <optional>
#include <string>
#include <vector>

namespace vgpu::nvml {

struct DeviceProcess {
  unsigned int pid = 0;
  unsigned long long usedBytes = 0;
};

struct DeviceUsage {
  bool known = false; // false: no CUDA shim here and no runtime directory to read
  unsigned long long usedBytes = 0;
  std::vector<DeviceProcess> processes; // processes that present this device (pid order)
  // Launch activity (activity.h in the CUDA shim) summed over those processes, capped at 100;
  // nullopt when no process reports it.
  std::optional<unsigned> kernelPercent;
  std::optional<unsigned> memoryPercent;
};

// Scans at most every 250 ms (nvidia-smi asks several questions per device in a row); thread-safe.
DeviceUsage deviceUsage(const nvmlDevice_st& device);

// The executable a shim process reported in its hello (empty when it is not a known shim process).
std::string processExecutable(unsigned int pid);

} // namespace vgpu::nvml
