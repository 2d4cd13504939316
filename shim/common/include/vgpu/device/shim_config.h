// The shims' configuration: /etc/vgpu/shim.conf (or the file VGPU_CONFIG names), then VGPU_*
// environment overrides. Loading never fails: every malformed line, unknown key or bad value
// becomes a ConfigProblem (source, line, reason) and the default stays. The environment is
// injected (EnvironmentLookup) so tests never touch the process environment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::device {

inline constexpr std::string_view kDefaultConfigPath = "/etc/vgpu/shim.conf";
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{64} * 1024;

enum class Backend { Simulated, Remote };

// What runs when nobody chose a backend: vgpud at the endpoint. The simulated device presents an
// ordinary-looking GPU whose kernels never run, so it is only ever used when chosen explicitly.
inline constexpr Backend kDefaultBackend = Backend::Remote;

// A PCI vendor:device pair, as written "10de:2331".
struct PciId {
  std::uint16_t vendorId = 0;
  std::uint16_t deviceId = 0;
  friend bool operator==(const PciId&, const PciId&) = default;
};

// profile=10de:1234=h100-pcie: present PCI id 10de:1234 with the named device profile.
struct ProfileMapping {
  PciId id;
  std::string profileKey;
};

struct ShimConfig {
  std::optional<Backend> backend; // empty: not configured (neither backend= nor VGPU_BACKEND)
  std::string endpoint = "unix:/run/vgpud.sock";
  std::string tokenFile; // token_file: vgpud's token, for tcp:/vsock: endpoints (empty: none)
  std::string sysfsRoot = "/sys";
  std::string machineIdFile = "/etc/machine-id";
  std::vector<PciId> extraMatches;
  std::vector<ProfileMapping> profileMappings;
  // shared_device: the guest's shared-memory PCI device for bulk data over tcp:/vsock: endpoints
  // (docs/wire-protocol.md, "Guest regions"): found by vendor:device through libpci, or its BAR file
  // named by absolute path; "off" for none.
  std::optional<PciId> sharedDeviceId = PciId{0x1af4, 0x1110}; // QEMU's ivshmem-plain
  std::string sharedDevicePath;
  // jit_linker: the libnvJitLink cuLinkComplete links with (an absolute path); empty: found by name
  // (libnvJitLink.so.13, then .so.12); "off": none (a link of one input passes it through).
  std::string jitLinker;
};

struct ConfigProblem {
  std::string source; // the file path, or the environment variable's name
  int line = 0;       // 1-based line in the file; 0 for the environment or the file as a whole
  std::string message;
};

struct ConfigLoad {
  ShimConfig config;
  std::string path;       // the file that was consulted
  bool fileFound = false; // false: no file there (fine, defaults apply)
  std::vector<ConfigProblem> problems;
};

// Returns the value of an environment variable, or nullptr when it is unset.
using EnvironmentLookup = std::function<const char*(const char* name)>;

// Parses the text of a configuration file into config (on top of what it holds).
// source names the file in the problems.
void parseShimConfig(std::string_view text, ShimConfig& config, std::vector<ConfigProblem>& problems,
                     std::string_view source = "shim.conf");

// Checks one value as the file's parser would take `key = value` (the same validators): empty when
// the value is accepted, else the parser's message. vgpu-helper's shim-config-set validates the
// endpoint it writes with this, so it can never write a line the shims would ignore.
std::string checkShimConfigValue(std::string_view key, std::string_view value);

// Reads the file (VGPU_CONFIG or kDefaultConfigPath), then applies VGPU_BACKEND, VGPU_ENDPOINT,
// VGPU_SYSFS_ROOT, VGPU_MACHINE_ID_FILE, VGPU_MATCH and VGPU_PROFILE. VGPU_MATCH and VGPU_PROFILE
// replace the file's lists.
ConfigLoad loadShimConfig(const EnvironmentLookup& env);

// The process environment (getenv), for production callers.
EnvironmentLookup processEnvironment();

// The backend the shims run: the configured one, else kDefaultBackend.
Backend effectiveBackend(const ShimConfig& config);

// The simulated device was chosen explicitly (backend = sim or VGPU_BACKEND=sim).
bool simulatedExplicitly(const ShimConfig& config);

// "sim" / "remote".
std::string_view backendName(Backend backend);

// "sim" / "remote", or "remote (default: no backend configured)" when nothing chose one.
std::string describeBackend(const ShimConfig& config);

// Appended to a shim's "cannot reach vgpud" line when no backend was configured: the admin may not
// know that vgpud is expected, nor which file to fix. Empty when a backend was chosen.
std::string unconfiguredBackendAdvice(const ConfigLoad& load);

// Parses "10de:2331" (exactly four hex digits each side). Returns false on anything else.
bool parsePciId(std::string_view text, PciId& id);

// "10de:2331".
std::string formatPciId(PciId id);

} // namespace vgpu::device
