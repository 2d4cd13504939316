// The replies of the telemetry protocol, each one compact JSON object without the trailing
// newline (the server adds it). Specified in docs/telemetry-protocol.md; kProtocolVersion changes
// when a field changes meaning or disappears (adding fields does not).
#pragma once

#include "vgpu/telemetry/telemetry_source.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace vgpu::telemetry {

inline constexpr int kProtocolVersion = 1;

struct HelloInfo {
  pid_t pid = 0;
  uid_t uid = 0;
  std::string executable;
  std::string backend;
  std::string endpoint; // "in-process" for the simulated backend
  std::string executor; // "simulated" or "cuda"
  std::string logLevel; // the current VGPU_LOG level word: off|error|warn|info|debug
  std::vector<DeviceIdentity> devices;
};

// Rates are computed against `previous` over `seconds` (0 when there is nothing to compare with);
// latency percentiles over the calls counted between `previous` and `now` (the window).
struct SampleContext {
  std::uint64_t sequence = 0;
  std::uint64_t timeMs = 0; // wall clock, milliseconds since the epoch
  double seconds = 0;
  std::uint64_t droppedClients = 0;
};

std::string encodeHello(const HelloInfo& hello);
std::string encodeSample(const ProcessSample& now, const ProcessSample& previous, const SampleContext& context);
std::string encodeError(std::string_view code, std::string_view message);
std::string encodeAck(std::string_view command, std::int64_t intervalMs = 0);
// {"type":"ok","cmd":"set-log-level","level":LEVEL}
std::string encodeLevelAck(std::string_view level);

} // namespace vgpu::telemetry
