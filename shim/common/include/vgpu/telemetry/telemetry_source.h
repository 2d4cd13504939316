// What the control socket reports, and the interface a shim implements to provide it. The server
// (telemetry_server.h) knows nothing about CUDA: the CUDA shim adapts its backend's accounting to
// this interface (shim/cuda/driver_state.cpp).
#pragma once

#include "vgpu/telemetry/latency_histogram.h"

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

// One entry point's figures since the process started counting (cumulative): calls, calls whose
// result was not success, and the latency histogram of all of them.
struct ApiCallStats {
  std::string name; // the exported symbol, e.g. "cuMemAlloc_v2"
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  LatencyCounts latency{};
};

// How often entry points returned one result code other than success (cumulative).
struct ResultCount {
  std::int64_t code = 0;
  std::string name; // "CUDA_ERROR_INVALID_VALUE"
  std::uint64_t count = 0;
};

struct ProcessSample {
  std::vector<DeviceMemory> devices; // by ordinal, as in the hello's device list
  ActivityCounters counters;
  std::string backendState;        // "ready", ...
  std::vector<ApiCallStats> apis;  // entry points called at least once, sorted by name
  std::vector<ResultCount> errors; // result codes returned at least once, by code
  // Share (0..100) of the last second's 10 ms slots with a kernel launch / a copy or memset.
  unsigned kernelActivityPercent = 0;
  unsigned memoryActivityPercent = 0;
  // cuProfilerStart/Stop marks: a profiled region is open; regions opened and closed so far.
  bool profilerActive = false;
  std::uint64_t profilerStarts = 0;
  std::uint64_t profilerStops = 0;
};

class TelemetrySource {
public:
  virtual ~TelemetrySource() = default;
  virtual std::string backendKind() const = 0;     // "simulated"
  virtual std::string backendEndpoint() const = 0; // "in-process", "unix:/run/vgpud.sock"
  // What executes the work behind the backend: "simulated" (in-process or in vgpud) or "cuda"
  // (a real GPU through vgpud).
  virtual std::string executor() const = 0;
  virtual std::vector<DeviceIdentity> devices() const = 0;
  // Called on the socket thread: must not block on the application for long (brief locks only).
  virtual ProcessSample sample() const = 0;
  virtual void resetPeaks() = 0;
};

} // namespace vgpu::telemetry
