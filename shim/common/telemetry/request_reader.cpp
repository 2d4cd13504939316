// The tolerant request reader: one line parsed by the shim's strict JSON parser (depth-limited, so
// a hostile line cannot exhaust the socket thread's stack), of which only the top-level "cmd",
// "interval_ms" and "level" members are read. Everything else in a well-formed object is ignored.
#include "vgpu/telemetry/request.h"

#include "vgpu/telemetry/json_value.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace vgpu::telemetry {
namespace {

struct CommandName {
  std::string_view name;
  Command command;
};
constexpr std::array kCommands{
    CommandName{"hello", Command::Hello},
    CommandName{"snapshot", Command::Snapshot},
    CommandName{"subscribe", Command::Subscribe},
    CommandName{"reset-peaks", Command::ResetPeaks},
    CommandName{"set-log-level", Command::SetLogLevel},
};

struct LevelName {
  std::string_view name;
  log::Level level;
};
constexpr std::array kLevels{
    LevelName{"off", log::Level::Off},   LevelName{"error", log::Level::Error}, LevelName{"warn", log::Level::Warn},
    LevelName{"info", log::Level::Info}, LevelName{"debug", log::Level::Debug},
};

ParsedRequest failure(std::string code, std::string message) {
  ParsedRequest result;
  result.errorCode = std::move(code);
  result.errorMessage = std::move(message);
  return result;
}

} // namespace

ParsedRequest parseRequest(std::string_view line) {
  if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return failure("malformed-json", "empty line");
  }
  const JsonParseResult parsed = parseJson(line);
  if (!parsed.value) {
    return failure("malformed-json", parsed.error);
  }
  const JsonValue& request = *parsed.value;
  if (request.kind() != JsonValue::Kind::Object) {
    return failure("not-an-object", "a request is a JSON object");
  }
  const JsonValue* cmdMember = request.member("cmd");
  const std::optional<std::string_view> cmd = cmdMember != nullptr ? cmdMember->asString() : std::nullopt;
  if (!cmd) {
    return failure("missing-cmd", cmdMember != nullptr ? "\"cmd\" must be a string" : "no \"cmd\" member");
  }
  ParsedRequest result;
  for (const CommandName& entry : kCommands) {
    if (entry.name == *cmd) {
      result.command = entry.command;
      result.ok = true;
    }
  }
  if (!result.ok) {
    return failure("unknown-cmd", "unknown command \"" + std::string(*cmd) + "\"");
  }
  if (result.command == Command::Subscribe) {
    const std::string range = "interval_ms must be an integer from " + std::to_string(kMinIntervalMs) + " to " +
                              std::to_string(kMaxIntervalMs);
    const JsonValue* member = request.member("interval_ms");
    const std::optional<double> number = member != nullptr ? member->asDouble() : std::nullopt;
    if (!number) {
      return failure("bad-interval", range);
    }
    const double interval = *number;
    if (std::floor(interval) != interval || interval < static_cast<double>(kMinIntervalMs) ||
        interval > static_cast<double>(kMaxIntervalMs)) {
      return failure("bad-interval", range);
    }
    result.intervalMs = static_cast<std::int64_t>(interval);
  }
  if (result.command == Command::SetLogLevel) {
    const JsonValue* member = request.member("level");
    const std::optional<std::string_view> level = member != nullptr ? member->asString() : std::nullopt;
    const auto known = std::find_if(kLevels.begin(), kLevels.end(),
                                    [&](const LevelName& entry) { return level && entry.name == *level; });
    if (known == kLevels.end()) {
      return failure("bad-level", "level must be one of off, error, warn, info, debug");
    }
    result.level = known->level;
    result.levelName = known->name;
  }
  return result;
}

std::string_view logLevelName(log::Level level) {
  for (const LevelName& entry : kLevels) {
    if (entry.level == level) {
      return entry.name;
    }
  }
  return "off";
}

} // namespace vgpu::telemetry
