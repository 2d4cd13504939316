// Parsing of vgpud's configuration file and command line.
#include "daemon_options.h"

#include "session_registry.h"

#include "vgpu/tcp_socket.h"

#include "vgpu/bounded_file.h"
#include "vgpu/log.h"

#include <array>
#include <charconv>
#include <sstream>
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

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
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
    LimitOption{"module-limit", &DaemonLimits::moduleBytes, true, std::uint64_t{1} << 20, 2 * kGiB,
                "a module image uploaded in parts (default 256MiB)"},
    LimitOption{"max-devices", &DaemonLimits::maxDevices, false, 1, 64, "devices one session may ask for (default 8)"},
    LimitOption{"sim-memory", &DaemonLimits::simMemoryBytes, true, 0, std::uint64_t{1} << 50,
                "backend sim: host memory one session's devices and uploads hold; 0: none (default 4GiB)"},
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

// Applies one setting; returns an error message, empty on success.
std::string apply(Options& options, std::string_view key, const std::string& value) {
  if (const LimitOption* limit = findLimit(key); limit != nullptr) {
    return applyLimit(options, *limit, value);
  }
  if (key == "listen") {
    constexpr std::string_view kUnix = "unix:";
    constexpr std::string_view kTcp = "tcp:";
    if (value.rfind(kTcp, 0) == 0) {
      const std::string address = value.substr(kTcp.size());
      const auto colon = address.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return "tcp endpoint '" + value + "' must be tcp:HOST:PORT";
      }
      options.tcpHost = address.substr(0, colon);
      options.tcpPort = address.substr(colon + 1);
      return {};
    }
    constexpr std::string_view kVsock = "vsock:";
    if (value.rfind(kVsock, 0) == 0) {
      unsigned int cid = 0;
      unsigned int port = 0;
      const std::string address = value.substr(kVsock.size());
      if (!parseVsockAddress(address, cid, port, false)) {
        return "vsock endpoint '" + value + "' must be vsock:PORT or vsock:CID:PORT (decimal)";
      }
      const auto colon = address.find(':');
      options.vsockCid = colon == std::string::npos ? std::string() : address.substr(0, colon);
      options.vsockPort = std::to_string(port);
      return {};
    }
    if (value.rfind(kUnix, 0) != 0) {
      return "unsupported endpoint '" + value + "': vgpud serves unix:PATH, tcp:HOST:PORT and vsock:[CID:]PORT";
    }
    options.socketPath = value.substr(kUnix.size());
    if (options.socketPath.empty() || options.socketPath.size() >= sizeof(sockaddr_un::sun_path)) {
      return "socket path must be 1.." + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
    }
    return {};
  }
  if (key == "admin-listen") {
    constexpr std::string_view kUnix = "unix:";
    constexpr std::string_view kTcp = "tcp:";
    if (value.rfind(kTcp, 0) == 0) {
      const std::string address = value.substr(kTcp.size());
      const auto colon = address.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return "admin endpoint '" + value + "' must be tcp:HOST:PORT";
      }
      options.adminTcpHost = address.substr(0, colon);
      options.adminTcpPort = address.substr(colon + 1);
      return {};
    }
    if (value.rfind(kUnix, 0) != 0 || value.size() == kUnix.size() || value[kUnix.size()] != '/') {
      return "admin endpoint '" + value + "' must be unix:/ABSOLUTE/PATH or tcp:HOST:PORT";
    }
    options.adminSocketPath = value.substr(kUnix.size());
    if (options.adminSocketPath.size() >= sizeof(sockaddr_un::sun_path)) {
      return "admin socket path must be at most " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
    }
    return {};
  }
  if (key == "admin-token-file") {
    if (value.empty() || value.front() != '/') {
      return "admin-token-file must be an absolute path";
    }
    options.adminTokenFile = value;
    return {};
  }
  if (key == "nvml") {
    if (value != "off" && (value.empty() || (value.find('/') != std::string::npos && value.front() != '/'))) {
      return "nvml must be an absolute path, a bare library name (e.g. libnvidia-ml.so.1) or off";
    }
    options.nvmlPath = value == "off" ? std::string() : value;
    return {};
  }
  if (key == "admin-group") {
    if (value.empty() || value.size() > 32 || value.find_first_of(" :/\t") != std::string::npos) {
      return "admin-group must be a group name";
    }
    options.adminGroup = value;
    return {};
  }
  if (key == "log-level") {
    log::Level parsed;
    std::string_view destination;
    if (!log::parseSettings(value, parsed, destination) || !destination.empty()) {
      return "unknown log level '" + value + "'";
    }
    options.logLevel = value;
    return {};
  }
  if (key == "token-file") {
    if (value.empty() || value.front() != '/') {
      return "token-file must be an absolute path";
    }
    options.tokenFile = value;
    return {};
  }
  if (key == "shared-region") {
    if (value.empty() || value.front() != '/') {
      return "shared-region must be an absolute path (the backing file of a guest's ivshmem device)";
    }
    if (options.guestRegions.size() >= kMaxGuestRegions) {
      return "at most " + std::to_string(kMaxGuestRegions) + " shared regions";
    }
    options.guestRegions.push_back({value, 0});
    return {};
  }
  if (key == "shared-region-size") {
    std::uint64_t bytes = 0;
    if (!parseByteSize(value, bytes) || bytes < kMinGuestRegionBytes || bytes > kMaxGuestRegionBytes ||
        (bytes & (bytes - 1)) != 0) {
      return "bad shared-region-size '" + value + "': a power of two from 4MiB to 64GiB (as ivshmem needs)";
    }
    options.guestRegionBytes = bytes;
    return {};
  }
  if (key == "backend") {
    if (value == "sim") {
      options.backend = ExecutorBackend::Simulated;
    } else if (value == "cuda") {
      options.backend = ExecutorBackend::Cuda;
    } else {
      return "unknown backend '" + value + "' (sim or cuda)";
    }
    return {};
  }
  if (key == "cuda-driver") {
    // A bare file name is looked up by the dynamic loader; anything else must be absolute.
    if (value.empty() || (value.find('/') != std::string::npos && value.front() != '/')) {
      return "cuda-driver must be an absolute path or a bare library name (e.g. libcuda.so.1)";
    }
    options.cudaDriverPath = value;
    return {};
  }
  if (key == "vram-quota") {
    if (!parseByteSize(value, options.vramQuotaBytes)) {
      return "bad vram-quota '" + value + "': an integer number of bytes, optionally with K, M, G, KiB, MiB or GiB";
    }
    return {};
  }
  if (key == "priority") {
    if (!parsePriorityLevel(value, options.priorities.defaultLevel)) {
      return "bad priority '" + value + "': " + std::string(priorityWords());
    }
    return {};
  }
  if (key == "priority-uid") {
    return addPriorityUids(options.priorities, value);
  }
  return "unknown setting '" + std::string(key) + "'";
}

std::string parseFile(Options& options, const std::string& path, FileReader readFile) {
  const std::optional<std::string> text = readFile(path);
  if (!text) {
    return "cannot read configuration file " + path;
  }
  std::istringstream lines(*text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') {
      continue;
    }
    const auto equals = content.find('=');
    if (equals == std::string_view::npos) {
      return path + ":" + std::to_string(number) + ": expected 'key = value'";
    }
    const std::string error =
        apply(options, trim(content.substr(0, equals)), std::string(trim(content.substr(equals + 1))));
    if (!error.empty()) {
      std::string located = path;
      located += ":" + std::to_string(number) + ": ";
      located += error;
      return located;
    }
  }
  return {};
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
  return "usage: vgpud --listen unix:PATH [--listen tcp:HOST:PORT] [--listen vsock:[CID:]PORT]\n"
         "             [--token-file FILE] [--backend sim|cuda] [--cuda-driver PATH]\n"
         "             [--vram-quota SIZE] [--priority LEVEL] [--priority-uid UID:LEVEL]...\n"
         "             [--shared-region FILE]... [--shared-region-size SIZE]\n"
         "             [--admin-listen unix:PATH|tcp:HOST:PORT]... [--admin-token-file FILE] [--admin-group NAME]\n"
         "             [--nvml PATH|off]\n"
         "             [--log-level off|error|warn|info|debug] [--config FILE]\n"
         "       vgpud --version | --help\n"
         "\n"
         "Runs the vgpu executor in the foreground. Stops cleanly on SIGTERM or SIGINT.\n"
         "  --listen unix:PATH   Unix socket to serve (created; a stale socket is replaced)\n"
         "  --listen tcp:HOST:PORT  also serve TCP; every client must present the token (no shared memory)\n"
         "  --listen vsock:[CID:]PORT  also serve AF_VSOCK (guests of this host); token as for TCP\n"
         "  --token-file FILE    the TCP/vsock token: 16+ bytes, readable by its owner only\n"
         "  --shared-region FILE  a VM guest's shared memory: the backing file of its ivshmem device\n"
         "                       (repeatable, one per guest; created when absent); its TCP/vsock\n"
         "                       sessions move bulk data through it instead of the socket\n"
         "  --shared-region-size SIZE  the size of a region vgpud creates (default 256MiB, a power of two)\n"
         "  --backend sim|cuda   sim: a simulated device per session (default); cuda: the host's real GPUs\n"
         "  --cuda-driver PATH   NVIDIA's libcuda.so.1 for --backend cuda (default: libcuda.so.1, found by\n"
         "                       the dynamic loader); a vgpu shim there is refused\n"
         "  --vram-quota SIZE    device memory each session may hold per device (e.g. 8GiB); default: none\n"
         "  --priority high|normal|low  every session's priority (default normal): low nices the thread or\n"
         "                       worker serving it +10 and puts its CUDA streams at the least priority;\n"
         "                       high tries nice -5 (needs CAP_SYS_NICE) and the greatest stream priority\n"
         "  --priority-uid UID:LEVEL[,UID:LEVEL]  the level for Unix-socket clients of that uid (repeatable)\n"
         "  --admin-listen unix:PATH  serve the management socket (docs/management-protocol.md) there: root,\n"
         "                       vgpud's uid and members of the admin group may list GPUs and sessions and\n"
         "                       change a session's quota or priority, drain or kill it\n"
         "  --admin-listen tcp:HOST:PORT  also serve it over TCP; clients present the admin token\n"
         "  --admin-token-file FILE  the admin token for TCP (not the tenants' token-file)\n"
         "  --admin-group NAME   the group that may use the Unix management socket (default vgpud-admin)\n"
         "  --nvml PATH|off      NVIDIA's NVML, for the GPUs' state on the management socket (backend cuda;\n"
         "                       default libnvidia-ml.so.1, found by the dynamic loader)\n"
         "  --log-level LEVEL    log to stderr at this level (default: info)\n"
         "  --config FILE        read 'key = value' settings (listen, token-file, backend, cuda-driver,\n"
         "                       vram-quota, priority, priority-uid, shared-region, shared-region-size,\n"
         "                       admin-listen, admin-token-file, admin-group, nvml, log-level, and the limits) first\n"
         "\n" +
         limitsUsage();
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
    constexpr std::array<std::string_view, 15> kValued = {"--listen",
                                                          "--log-level",
                                                          "--backend",
                                                          "--vram-quota",
                                                          "--config",
                                                          "--token-file",
                                                          "--cuda-driver",
                                                          "--priority",
                                                          "--priority-uid",
                                                          "--shared-region",
                                                          "--shared-region-size",
                                                          "--admin-listen",
                                                          "--admin-token-file",
                                                          "--admin-group",
                                                          "--nvml"};
    bool known = argument.rfind("--", 0) == 0 && findLimit(argument.substr(2)) != nullptr;
    for (std::string_view name : kValued) {
      known = known || argument == name;
    }
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
