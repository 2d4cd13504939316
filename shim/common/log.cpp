// VGPU_LOG handling for the shims and vgpud. Uses write(2) on a raw descriptor: no stdio locks
// shared with the host program, no allocation on the logging path beyond a stack buffer.
#include "vgpu/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

namespace vgpu::log {
namespace {

struct State {
  std::atomic<int> level{static_cast<int>(Level::Off)};
  int fd = STDERR_FILENO;
};

// Function-local static: initialised at the first log call, never at library load.
State& state() {
  static State instance;
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("VGPU_LOG");
    if (env == nullptr) {
      return;
    }
    Level level = Level::Off;
    std::string_view destination;
    if (!parseSettings(env, level, destination)) {
      static constexpr char kBad[] =
          "vgpu: ignoring malformed VGPU_LOG (expected off|error|warn|info|debug[:stderr|/path])\n";
      (void)!::write(STDERR_FILENO, kBad, sizeof kBad - 1);
      return;
    }
    if (!destination.empty() && destination != "stderr") {
      // parseSettings guarantees an absolute path that is a suffix of the NUL-terminated env.
      const int fd = ::open(destination.data(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd < 0) {
        static constexpr char kNoFile[] = "vgpu: cannot open the VGPU_LOG file, logging to stderr\n";
        (void)!::write(STDERR_FILENO, kNoFile, sizeof kNoFile - 1);
      } else {
        instance.fd = fd;
      }
    }
    instance.level.store(static_cast<int>(level), std::memory_order_relaxed);
  });
  return instance;
}

// Constant-initialised: no constructor runs when the library loads.
std::atomic<Sink> sink{nullptr};

bool sunk(Level level) {
  return (level == Level::Error || level == Level::Warn) && sink.load(std::memory_order_acquire) != nullptr;
}

const char* levelName(Level level) {
  switch (level) {
  case Level::Error: return "error";
  case Level::Warn: return "warn";
  case Level::Info: return "info";
  case Level::Debug: return "debug";
  case Level::Off: break;
  }
  return "off";
}

} // namespace

bool parseSettings(std::string_view text, Level& level, std::string_view& destination) {
  const auto colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const std::string_view dest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  static constexpr struct {
    std::string_view name;
    Level level;
  } kLevels[] = {{"off", Level::Off},   {"0", Level::Off},  {"error", Level::Error}, {"warn", Level::Warn},
                 {"info", Level::Info}, {"1", Level::Info}, {"debug", Level::Debug}};
  for (const auto& entry : kLevels) {
    if (entry.name == name) {
      if (colon != std::string_view::npos && dest != "stderr" && (dest.empty() || dest.front() != '/')) {
        return false;
      }
      level = entry.level;
      destination = dest;
      return true;
    }
  }
  return false;
}

bool enabled(Level level) {
  return level != Level::Off && static_cast<int>(level) <= state().level.load(std::memory_order_relaxed);
}

void setLevel(Level level) {
  state().level.store(static_cast<int>(level), std::memory_order_relaxed);
}

void setSink(Sink receiver) {
  sink.store(receiver, std::memory_order_release);
}

void write(Level level, std::string_view component, std::string_view message) {
  if (sunk(level)) {
    sink.load(std::memory_order_acquire)(level, component, message);
  }
  if (!enabled(level)) {
    return;
  }
  char line[1024];
  const int prefix = std::snprintf(line, sizeof line, "vgpu[%d] %s: %.*s: ", static_cast<int>(::getpid()),
                                   levelName(level), static_cast<int>(component.size()), component.data());
  if (prefix < 0) {
    return;
  }
  size_t used = static_cast<size_t>(prefix);
  const size_t room = sizeof line - used - 1;
  const size_t take = message.size() < room ? message.size() : room;
  std::memcpy(line + used, message.data(), take);
  used += take;
  line[used++] = '\n';
  (void)!::write(state().fd, line, used);
}

void writef(Level level, const char* component, const char* format, ...) {
  if (!enabled(level) && !sunk(level)) {
    return;
  }
  char message[768];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(message, sizeof message, format, args);
  va_end(args);
  if (n < 0) {
    return;
  }
  const size_t len = static_cast<size_t>(n) < sizeof message ? static_cast<size_t>(n) : sizeof message - 1;
  write(level, component, std::string_view(message, len));
}

} // namespace vgpu::log
