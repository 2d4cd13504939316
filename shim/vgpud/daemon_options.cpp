// Parsing of vgpud's configuration file and command line.
#include "daemon_options.h"

#include "daemon_settings.h"
#include "session_registry.h"

#include "vgpu/tcp_socket.h"

#include "vgpu/bounded_file.h"
#include "vgpu/key_value_lines.h"
#include "vgpu/log.h"

#include <array>
#include <charconv>
#include <sys/un.h>
#include <type_traits>
#include <variant>

namespace vgpu::daemon {
namespace {

constexpr std::size_t kMaxConfigFileBytes = 1 << 20;

// A regular file of at most 1 MiB, never blocking on a FIFO (vgpu/bounded_file.h).
std::optional<std::string> readWholeFile(const std::string& path) {
  BoundedRead file = readBoundedFile(path, kMaxConfigFileBytes);
  if (!file.ok) {
    return std::nullopt;
  }
  return std::move(file.text);
}

// The limits (daemon_limits.h): one row each gives the key (file and --key), what it bounds and its
// range; the parser, --help and the docs' table follow this list.
struct LimitOption {
  std::string_view key;
  std::variant<std::uint32_t DaemonLimits::*, std::uint64_t DaemonLimits::*> field;
  bool bytes; // a SIZE (512M, 8GiB) rather than a count or milliseconds
  std::uint64_t minimum;
  std::uint64_t maximum;
  std::string_view help;
};

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
const std::array kLimitOptions{
    LimitOption{"max-sessions", &DaemonLimits::maxSessions, false, 1, SessionRegistry::kMaxSessions,
                "sessions at once, all transports (default 256)"},
    LimitOption{"max-sessions-per-peer", &DaemonLimits::maxSessionsPerPeer, false, 1, SessionRegistry::kMaxSessions,
                "TCP/vsock sessions from one address or CID (default 64)"},
    LimitOption{"max-pending", &DaemonLimits::maxPending, false, 1, 4096,
                "TCP/vsock connections still before hello, in total (default 128)"},
    LimitOption{"max-pending-per-peer", &DaemonLimits::maxPendingPerPeer, false, 1, 4096,
                "the same from one address or CID (default 8)"},
    LimitOption{"hello-timeout-ms", &DaemonLimits::helloTimeoutMs, false, 100, 600000,
                "an unauthenticated connection's time to complete hello (default 5000)"},
    LimitOption{"pre-auth-bytes", &DaemonLimits::preAuthBytes, true, 4096, 1 << 20,
                "what it may send before hello is complete (default 64KiB)"},
    LimitOption{"reply-buffer", &DaemonLimits::replyBytes, true, std::uint64_t{2} << 20, kGiB,
                "replies a session holds before sending them (default 8MiB)"},
    LimitOption{"send-timeout-ms", &DaemonLimits::sendTimeoutMs, false, 1000, 3600000,
                "a session whose client reads nothing this long ends (default 60000)"},
    LimitOption{"orphan-timeout-ms", &DaemonLimits::orphanTimeoutMs, false, 100, 3600000,
                "backend cuda: a worker still running this long after its client left is killed (default 30000)"},
    LimitOption{"module-limit", &DaemonLimits::moduleBytes, true, std::uint64_t{1} << 20, 2 * kGiB,
                "a module image uploaded in parts (default 256MiB)"},
    LimitOption{"graph-limit", &DaemonLimits::graphBytes, true, std::uint64_t{1} << 20, 2 * kGiB,
                "what one session's graphs run whole hold, all together (default 64MiB)"},
    LimitOption{"max-devices", &DaemonLimits::maxDevices, false, 1, 64, "devices one session may ask for (default 8)"},
    LimitOption{"sim-memory", &DaemonLimits::simMemoryBytes, true, 0, std::uint64_t{1} << 50,
                "backend sim: host memory one session's devices and uploads hold; 0: none (default 4GiB)"},
    LimitOption{"pinned-limit", &DaemonLimits::pinnedBytes, true, std::uint64_t{1} << 20, std::uint64_t{1} << 50,
                "a session's host memory vgpud maps and pins: pinned regions and managed memory (default 32GiB)"},
    LimitOption{"descriptors-per-message", &DaemonLimits::descriptorsPerMessage, false, 1, 16,
                "descriptors one Unix message may carry; extras are closed (default 1)"},
};

const LimitOption* findLimit(std::string_view key) {
  for (const LimitOption& option : kLimitOptions) {
    if (option.key == key) {
      return &option;
    }
  }
  return nullptr;
}

std::string applyLimit(Options& options, const LimitOption& option, const std::string& value) {
  std::uint64_t parsed = 0;
  const bool ok = option.bytes ? parseByteSize(value, parsed) : [&] {
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    return error == std::errc() && end == value.data() + value.size() && !value.empty();
  }();
  if (!ok || parsed < option.minimum || parsed > option.maximum) {
    return "bad " + std::string(option.key) + " '" + value + "': " + (option.bytes ? "a size" : "a whole number") +
           " from " + std::to_string(option.minimum) + " to " + std::to_string(option.maximum);
  }
  std::visit(
      [&](auto field) {
        using Value = std::remove_reference_t<decltype(options.limits.*field)>;
        options.limits.*field = static_cast<Value>(parsed);
      },
      option.field);
  return {};
}

// Applies one setting or limit; returns an error message, empty on success.
std::string apply(Options& options, std::string_view key, const std::string& value) {
  if (const LimitOption* limit = findLimit(key); limit != nullptr) {
    return applyLimit(options, *limit, value);
  }
  if (const Setting* setting = findSetting(key); setting != nullptr) {
    return setting->apply(options, value);
  }
  return "unknown setting '" + std::string(key) + "'";
}

std::string parseFile(Options& options, const std::string& path, FileReader readFile) {
  const std::optional<std::string> text = readFile(path);
  if (!text) {
    return "cannot read configuration file " + path;
  }
  std::string error;
  forEachKeyValue(*text, [&](const KeyValueLine& line) {
    const std::string problem =
        line.error.empty() ? apply(options, line.key, std::string(line.value)) : std::string(line.error);
    if (!problem.empty()) {
      error = path + ":" + std::to_string(line.number) + ": " + problem;
    }
    return error.empty();
  });
  return error;
}

} // namespace

bool parseByteSize(std::string_view text, std::uint64_t& bytes) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) {
    return false;
  }
  const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  struct Unit {
    std::string_view suffix;
    unsigned shift;
  };
  constexpr std::array kUnits = {Unit{"", 0},   Unit{"K", 10},   Unit{"KiB", 10}, Unit{"M", 20},  Unit{"MiB", 20},
                                 Unit{"G", 30}, Unit{"GiB", 30}, Unit{"T", 40},   Unit{"TiB", 40}};
  for (const Unit& unit : kUnits) {
    if (suffix == unit.suffix) {
      if (unit.shift > 0 && value > (UINT64_MAX >> unit.shift)) {
        return false;
      }
      bytes = value << unit.shift;
      return true;
    }
  }
  return false;
}

std::string limitsUsage() {
  std::string text = "Limits (docs/security.md), also as 'key = value' in --config:\n";
  for (const LimitOption& option : kLimitOptions) {
    std::string line = "  --" + std::string(option.key) + (option.bytes ? " SIZE" : " N");
    line.resize(std::max<std::size_t>(line.size() + 1, 33), ' ');
    text += line + std::string(option.help) + "\n";
  }
  return text;
}

std::string usage() {
  std::string text = "usage: vgpud --listen unix:PATH [--SETTING VALUE]... [--config FILE]\n"
                     "       vgpud --version | --help\n"
                     "\n"
                     "Runs the vgpu executor in the foreground. Stops cleanly on SIGTERM or SIGINT.\n"
                     "Settings (docs/configuration.md), also as 'key = value' in --config FILE, which is read\n"
                     "first (the command line wins):\n";
  for (const Setting& setting : settings()) {
    std::string line = "  --" + std::string(setting.key) + " " + std::string(setting.value);
    line += setting.repeatable ? "  (repeatable)" : "";
    text += line + "\n";
    std::string_view help = setting.help;
    while (!help.empty()) {
      const auto end = help.find('\n');
      text += "      " + std::string(help.substr(0, end)) + "\n";
      help = end == std::string_view::npos ? std::string_view() : help.substr(end + 1);
    }
  }
  return text + "\n" + limitsUsage();
}

std::vector<std::string_view> settingKeys() {
  std::vector<std::string_view> keys;
  for (const Setting& setting : settings()) {
    keys.push_back(setting.key);
  }
  for (const LimitOption& limit : kLimitOptions) {
    keys.push_back(limit.key);
  }
  return keys;
}

ParseResult parseOptions(const std::vector<std::string>& arguments, FileReader readFile) {
  Options options;
  options.logLevel = "info";
  ParseResult result;
  // The file first, wherever --config appears, so the command line wins.
  for (size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == "--config") {
      options.configFile = arguments[i + 1];
      if (std::string error = parseFile(options, options.configFile, readFile ? readFile : readWholeFile);
          !error.empty()) {
        result.error = error;
        return result;
      }
    }
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      options.showHelp = true;
      continue;
    }
    if (argument == "--version") {
      options.showVersion = true;
      continue;
    }
    const bool known = argument == "--config" ||
                       (argument.rfind("--", 0) == 0 &&
                        (findLimit(argument.substr(2)) != nullptr || findSetting(argument.substr(2)) != nullptr));
    if (!known) {
      result.error = "unknown argument '" + std::string(argument) + "'";
      return result;
    }
    if (i + 1 >= arguments.size()) {
      result.error = std::string(argument) + " needs a value";
      return result;
    }
    const std::string& value = arguments[++i];
    if (argument == "--config") {
      continue; // read above
    }
    if (std::string error = apply(options, argument.substr(2), value); !error.empty()) {
      result.error = error;
      return result;
    }
  }
  if (!options.showHelp && !options.showVersion && options.socketPath.empty()) {
    result.error = "--listen unix:PATH is required";
    return result;
  }
  if ((!options.tcpPort.empty() || !options.vsockPort.empty()) && options.tokenFile.empty()) {
    result.error = "--listen tcp:/vsock:... needs --token-file: vgpud never serves a network channel without "
                   "authentication";
    return result;
  }
  if (!options.adminTcpPort.empty() && options.adminTokenFile.empty()) {
    result.error = "--admin-listen tcp:... needs --admin-token-file: the management socket is never served over the "
                   "network without authentication";
    return result;
  }
  if (!options.adminTokenFile.empty() && options.adminTokenFile == options.tokenFile) {
    result.error = "admin-token-file must not be the tenants' token-file: a tenant's token must not open the "
                   "management socket";
    return result;
  }
  if (!options.guestRegions.empty() && options.tcpPort.empty() && options.vsockPort.empty()) {
    result.error = "--shared-region serves guests that connect over TCP or vsock: add --listen tcp:HOST:PORT or "
                   "--listen vsock:PORT";
    return result;
  }
  for (GuestRegionSpec& region : options.guestRegions) {
    region.createBytes = options.guestRegionBytes;
  }
  result.options = options;
  return result;
}

} // namespace vgpu::daemon
