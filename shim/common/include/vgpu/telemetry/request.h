// The requests a telemetry client may send, and the tolerant reader that turns one line of JSON
// into one of them. The reader accepts any well-formed JSON object, ignores keys it does not know
// and rejects everything else with an error code the server sends back (docs/telemetry-protocol.md).
#pragma once

#include "vgpu/log.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vgpu::telemetry {

enum class Command { Hello, Snapshot, Subscribe, ResetPeaks, SetLogLevel };

inline constexpr std::int64_t kMinIntervalMs = 10;
inline constexpr std::int64_t kMaxIntervalMs = 10000;

struct ParsedRequest {
  bool ok = false;
  Command command = Command::Hello;
  std::int64_t intervalMs = 0;        // subscribe only, within [kMinIntervalMs, kMaxIntervalMs]
  log::Level level = log::Level::Off; // set-log-level only
  std::string_view levelName;         // set-log-level only: "off", "error", "warn", "info", "debug"
  std::string errorCode;              // when !ok: "malformed-json", "not-an-object", "missing-cmd",
                                      // "unknown-cmd", "bad-interval", "bad-level"
  std::string errorMessage;           // human-readable detail
};

ParsedRequest parseRequest(std::string_view line);

// The protocol's word for a log level ("off", "error", "warn", "info", "debug").
std::string_view logLevelName(log::Level level);

} // namespace vgpu::telemetry
