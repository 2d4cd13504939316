// What the control socket reports, and the interface a shim implements to provide it. The server
// (telemetry_server.h) knows nothing about CUDA: the CUDA shim adapts its backend's accounting to
// this interface (shim/cuda/driver_state.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vgpu::telemetry {

struct DeviceIdentity {
  std::string name;
  std::string uuid;     // "GPU-xxxxxxxx-xxxx-..."
  std::string pciBusId; // "0000:00:05.0"
};

struct DeviceMemory {
  std::uint64_t usedBytes = 0;
  std::uint64_t totalBytes = 0;
  std::uint64_t peakBytes = 0;
  std::uint64_t allocationCount = 0;
};

struct ActivityCounters {
  std::uint64_t kernelLaunches = 0;
  std::uint64_t bytesHostToDevice = 0;
  std::uint64_t bytesDeviceToHost = 0;
  std::uint64_t bytesDeviceToDevice = 0;
  std::uint64_t memsets = 0;
};

struct ProcessSample {
  std::vector<DeviceMemory> devices; // by ordinal, as in the hello's device list
  ActivityCounters counters;
  std::string backendState; // "ready", ...
};

class TelemetrySource {
public:
  virtual ~TelemetrySource() = default;
  virtual std::string backendKind() const = 0; // "simulated"
  virtual std::vector<DeviceIdentity> devices() const = 0;
  // Called on the socket thread: must not block on the application for long (brief locks only).
  virtual ProcessSample sample() const = 0;
  virtual void resetPeaks() = 0;
};

} // namespace vgpu::telemetry
