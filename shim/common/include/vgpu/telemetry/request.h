// The requests a telemetry client may send, and the tolerant reader that turns one line of JSON
// into one of them. The reader accepts any well-formed JSON object, ignores keys it does not know
// and rejects everything else with an error code the server sends back (docs/telemetry-protocol.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vgpu::telemetry {

enum class Command { Hello, Snapshot, Subscribe, ResetPeaks };

inline constexpr std::int64_t kMinIntervalMs = 10;
inline constexpr std::int64_t kMaxIntervalMs = 10000;

struct ParsedRequest {
  bool ok = false;
  Command command = Command::Hello;
  std::int64_t intervalMs = 0; // subscribe only, within [kMinIntervalMs, kMaxIntervalMs]
  std::string errorCode;       // when !ok: "malformed-json", "not-an-object", "missing-cmd",
                               // "unknown-cmd", "bad-interval"
  std::string errorMessage;    // human-readable detail
};

ParsedRequest parseRequest(std::string_view line);

} // namespace vgpu::telemetry
