// vgpud's configuration: an optional file (--config FILE, lines "key = value", '#' comments) and
// the command line on top of it (the same keys as --key VALUE). Parsed into a plain struct; every
// value is validated here.
#pragma once

#include "daemon_limits.h"
#include "guest_regions.h"
#include "session_priority.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::daemon {

enum class ExecutorBackend { Simulated, Cuda };

struct Options {
  std::string socketPath; // listen = unix:PATH
  std::string tcpHost;    // listen = tcp:HOST:PORT (listen may be given twice: unix and tcp)
  std::string tcpPort;
  std::string vsockCid;  // listen = vsock:PORT (any CID) or vsock:CID:PORT; "" = any
  std::string vsockPort; // "" = no vsock listener
  std::string tokenFile; // token-file = FILE: required with tcp and vsock (never served without authentication)
  std::string logLevel;  // log-level, same words as VGPU_LOG
  ExecutorBackend backend = ExecutorBackend::Simulated; // backend = sim | cuda
  std::string cudaDriverPath = "libcuda.so.1";          // cuda-driver = PATH (backend cuda)
  std::uint64_t vramQuotaBytes = 0;                     // vram-quota = SIZE, per session and device; 0: none
  PriorityPolicy priorities;                            // priority = LEVEL; priority-uid = UID:LEVEL[,...] (repeatable)
  DaemonLimits limits;                                  // max-sessions, hello-timeout, ... (kLimitOptions)
  std::vector<GuestRegionSpec> guestRegions;            // shared-region = PATH (repeatable): one per VM guest
  std::uint64_t guestRegionBytes = std::uint64_t{256} << 20; // shared-region-size: for regions vgpud creates
  std::string adminSocketPath; // admin-listen = unix:PATH: the management socket (docs/management-protocol.md)
  std::string adminTcpHost;    // admin-listen = tcp:HOST:PORT (needs admin-token-file)
  std::string adminTcpPort;
  std::string adminTokenFile;                 // admin-token-file = FILE
  std::string adminGroup = "vgpud-admin";     // admin-group = NAME
  std::string nvmlPath = "libnvidia-ml.so.1"; // nvml = PATH|off: the GPUs' state (backend cuda, management socket)
  std::string configFile;                     // --config
  bool showHelp = false;
  bool showVersion = false;
};

struct ParseResult {
  std::optional<Options> options;
  std::string error; // set when options is empty
};

// readFile returns the file's text, or nullopt when it cannot be read (tests inject it).
using FileReader = std::optional<std::string> (*)(const std::string& path);
ParseResult parseOptions(const std::vector<std::string>& arguments, FileReader readFile = nullptr);
std::string usage();
// Every key a file or the command line may set: the settings (daemon_settings.h), then the limits.
std::vector<std::string_view> settingKeys();

// "4096", "512M", "2GiB", "1.5G" is refused (integers only). False on anything else.
bool parseByteSize(std::string_view text, std::uint64_t& bytes);

} // namespace vgpu::daemon
