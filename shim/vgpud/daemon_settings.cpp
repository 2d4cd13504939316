// vgpud's settings other than the limits, each described once: its key (the file's `key = value`
// and the command line's --key VALUE), the value's shape and help for --help, and the function
// that checks and applies a value. The parser, the usage text and the tests walk this table.
#include "daemon_settings.h"

#include "vgpu/log.h"
#include "vgpu/tcp_socket.h"

#include <array>
#include <sys/un.h>

namespace vgpu::daemon {
namespace {

constexpr std::string_view kUnix = "unix:";
constexpr std::string_view kTcp = "tcp:";
constexpr std::string_view kVsock = "vsock:";

bool startsWith(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

// "tcp:HOST:PORT" into host and port; false when malformed.
bool splitTcp(const std::string& value, std::string& host, std::string& port) {
  const std::string address = value.substr(kTcp.size());
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return false;
  }
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  return true;
}

// An absolute path, else the message "<key> must be an absolute path<why>".
std::string absolutePath(std::string_view key, const std::string& value, std::string& out, std::string_view why = {}) {
  if (value.empty() || value.front() != '/') {
    return std::string(key) + " must be an absolute path" + std::string(why);
  }
  out = value;
  return {};
}

// An absolute path or a bare name the dynamic loader looks up.
bool libraryPath(const std::string& value) {
  return !value.empty() && (value.find('/') == std::string::npos || value.front() == '/');
}

std::string applyListen(Options& options, const std::string& value) {
  if (startsWith(value, kTcp)) {
    return splitTcp(value, options.tcpHost, options.tcpPort) ? ""
                                                             : "tcp endpoint '" + value + "' must be tcp:HOST:PORT";
  }
  if (startsWith(value, kVsock)) {
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
  if (!startsWith(value, kUnix)) {
    return "unsupported endpoint '" + value + "': vgpud serves unix:PATH, tcp:HOST:PORT and vsock:[CID:]PORT";
  }
  options.socketPath = value.substr(kUnix.size());
  if (options.socketPath.empty() || options.socketPath.size() >= sizeof(sockaddr_un::sun_path)) {
    return "socket path must be 1.." + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
  }
  return {};
}

std::string applyTokenFile(Options& options, const std::string& value) {
  return absolutePath("token-file", value, options.tokenFile);
}

std::string applySharedRegion(Options& options, const std::string& value) {
  if (value.empty() || value.front() != '/') {
    return "shared-region must be an absolute path (the backing file of a guest's ivshmem device)";
  }
  if (options.guestRegions.size() >= kMaxGuestRegions) {
    return "at most " + std::to_string(kMaxGuestRegions) + " shared regions";
  }
  options.guestRegions.push_back({value, 0});
  return {};
}

std::string applySharedRegionSize(Options& options, const std::string& value) {
  std::uint64_t bytes = 0;
  if (!parseByteSize(value, bytes) || bytes < kMinGuestRegionBytes || bytes > kMaxGuestRegionBytes ||
      (bytes & (bytes - 1)) != 0) {
    return "bad shared-region-size '" + value + "': a power of two from 4MiB to 64GiB (as ivshmem needs)";
  }
  options.guestRegionBytes = bytes;
  return {};
}

std::string applyBackend(Options& options, const std::string& value) {
  if (value == "sim") {
    options.backend = ExecutorBackend::Simulated;
  } else if (value == "cuda") {
    options.backend = ExecutorBackend::Cuda;
  } else {
    return "unknown backend '" + value + "' (sim or cuda)";
  }
  return {};
}

std::string applyCudaDriver(Options& options, const std::string& value) {
  if (!libraryPath(value)) {
    return "cuda-driver must be an absolute path or a bare library name (e.g. libcuda.so.1)";
  }
  options.cudaDriverPath = value;
  return {};
}

std::string applyVramQuota(Options& options, const std::string& value) {
  if (!parseByteSize(value, options.vramQuotaBytes)) {
    return "bad vram-quota '" + value + "': an integer number of bytes, optionally with K, M, G, KiB, MiB or GiB";
  }
  return {};
}

std::string applyPriority(Options& options, const std::string& value) {
  if (!parsePriorityLevel(value, options.priorities.defaultLevel)) {
    return "bad priority '" + value + "': " + std::string(priorityWords());
  }
  return {};
}

std::string applyPriorityUid(Options& options, const std::string& value) {
  return addPriorityUids(options.priorities, value);
}

std::string applyAdminListen(Options& options, const std::string& value) {
  if (startsWith(value, kTcp)) {
    return splitTcp(value, options.adminTcpHost, options.adminTcpPort)
               ? ""
               : "admin endpoint '" + value + "' must be tcp:HOST:PORT";
  }
  if (!startsWith(value, kUnix) || value.size() == kUnix.size() || value[kUnix.size()] != '/') {
    return "admin endpoint '" + value + "' must be unix:/ABSOLUTE/PATH or tcp:HOST:PORT";
  }
  options.adminSocketPath = value.substr(kUnix.size());
  if (options.adminSocketPath.size() >= sizeof(sockaddr_un::sun_path)) {
    return "admin socket path must be at most " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
  }
  return {};
}

std::string applyAdminTokenFile(Options& options, const std::string& value) {
  return absolutePath("admin-token-file", value, options.adminTokenFile);
}

std::string applyAdminGroup(Options& options, const std::string& value) {
  if (value.empty() || value.size() > 32 || value.find_first_of(" :/\t") != std::string::npos) {
    return "admin-group must be a group name";
  }
  options.adminGroup = value;
  return {};
}

std::string applyNvml(Options& options, const std::string& value) {
  if (value != "off" && !libraryPath(value)) {
    return "nvml must be an absolute path, a bare library name (e.g. libnvidia-ml.so.1) or off";
  }
  options.nvmlPath = value == "off" ? std::string() : value;
  return {};
}

std::string applyLogLevel(Options& options, const std::string& value) {
  log::Level parsed;
  std::string_view destination;
  if (!log::parseSettings(value, parsed, destination) || !destination.empty()) {
    return "unknown log level '" + value + "'";
  }
  options.logLevel = value;
  return {};
}

// The order is --help's. Help lines after the first are indented by the usage text.
const std::array kSettings{
    Setting{"listen", "unix:PATH|tcp:HOST:PORT|vsock:[CID:]PORT", true,
            "unix:PATH is required (created; a stale socket is replaced); tcp: and vsock: also serve\n"
            "TCP and AF_VSOCK (guests of this host); every network client presents the token",
            applyListen},
    Setting{"token-file", "FILE", false, "the TCP/vsock token: 16+ bytes, readable by its owner only", applyTokenFile},
    Setting{"shared-region", "FILE", true,
            "a VM guest's shared memory: the backing file of its ivshmem device (one per guest;\n"
            "created when absent); its TCP/vsock sessions move bulk data through it instead of the socket",
            applySharedRegion},
    Setting{"shared-region-size", "SIZE", false, "the size of a region vgpud creates (default 256MiB, a power of two)",
            applySharedRegionSize},
    Setting{"backend", "sim|cuda", false, "sim: a simulated device per session (default); cuda: the host's real GPUs",
            applyBackend},
    Setting{"cuda-driver", "PATH", false,
            "NVIDIA's libcuda.so.1 for backend cuda (default: libcuda.so.1, found by the dynamic loader);\n"
            "a vgpu shim there is refused",
            applyCudaDriver},
    Setting{"vram-quota", "SIZE", false, "device memory each session may hold per device (e.g. 8GiB); default: none",
            applyVramQuota},
    Setting{"priority", "high|normal|low", false,
            "every session's priority (default normal): low nices the thread or worker serving it +10\n"
            "and puts its CUDA streams at the least priority; high tries nice -5 (needs CAP_SYS_NICE)\n"
            "and the greatest stream priority",
            applyPriority},
    Setting{"priority-uid", "UID:LEVEL[,UID:LEVEL]", true, "the level for Unix-socket clients of that uid",
            applyPriorityUid},
    Setting{"admin-listen", "unix:PATH|tcp:HOST:PORT", true,
            "the management socket (docs/management-protocol.md): root, vgpud's uid and the admin\n"
            "group list GPUs and sessions and change a session's quota or priority, drain or kill it;\n"
            "over TCP with the admin token",
            applyAdminListen},
    Setting{"admin-token-file", "FILE", false, "the admin token for TCP (not the tenants' token-file)",
            applyAdminTokenFile},
    Setting{"admin-group", "NAME", false, "the group that may use the Unix management socket (default vgpud-admin)",
            applyAdminGroup},
    Setting{"nvml", "PATH|off", false,
            "NVIDIA's NVML, for the GPUs' state on the management socket (backend cuda;\n"
            "default libnvidia-ml.so.1, found by the dynamic loader)",
            applyNvml},
    Setting{"log-level", "off|error|warn|info|debug", false, "log to stderr at this level (default: info)",
            applyLogLevel},
};

} // namespace

std::span<const Setting> settings() {
  return kSettings;
}

const Setting* findSetting(std::string_view key) {
  for (const Setting& setting : kSettings) {
    if (setting.key == key) {
      return &setting;
    }
  }
  return nullptr;
}

} // namespace vgpu::daemon
