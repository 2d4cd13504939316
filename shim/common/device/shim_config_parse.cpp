// Parsing and validating shim configuration text (the file format and the VGPU_* values share the
// value validators). Format: one "key = value" per line; lines whose first non-blank character is
// '#' are comments; blank lines are ignored; '#' inside a value is part of it (paths may hold it).
// Keys are a table (kKeys) of name → setter; each setter validates and reports.
#include "shim_config_internal.h"
#include "vgpu/device/device_profiles.h"
#include "vgpu/device/shim_config.h"

#include "vgpu/key_value_lines.h"
#include <algorithm>

#include <array>
#include <cstdio>

namespace vgpu::device {
namespace {

std::string_view trim(std::string_view text) {
  return trimBlanks(text);
}

struct Reporter {
  std::vector<ConfigProblem>& problems;
  std::string_view source;
  int line;
  void operator()(std::string message) const { problems.push_back({std::string(source), line, std::move(message)}); }
};

bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool parseHex16(std::string_view text, std::uint16_t& value) {
  if (text.size() != 4) {
    return false;
  }
  unsigned result = 0;
  for (const char c : text) {
    if (!isHexDigit(c)) {
      return false;
    }
    const unsigned digit = c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
    result = result * 16 + digit;
  }
  value = static_cast<std::uint16_t>(result);
  return true;
}

bool isAbsolutePath(std::string_view value) {
  return !value.empty() && value.front() == '/' && value.find('\0') == std::string_view::npos;
}

// Calls each(item) for the comma-separated, trimmed, non-empty items of value.
template <typename Each> void forEachItem(std::string_view value, Each each) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) {
      each(item);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    value.remove_prefix(comma + 1);
  }
}

void setBackend(std::string_view value, ShimConfig& config, const Reporter& report) {
  if (value == "sim") {
    config.backend = Backend::Simulated;
  } else if (value == "remote") {
    config.backend = Backend::Remote;
  } else {
    report("backend: expected sim or remote, got '" + std::string(value) + "'");
  }
}

// HOST:PORT with HOST a name or IPv4 address ([A-Za-z0-9.-]) or a bracketed IPv6 address, and PORT
// 1..65535.
bool isHostPort(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size() || text.size() - colon - 1 > 5) {
    return false;
  }
  const std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  unsigned number = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') {
      return false;
    }
    number = number * 10 + static_cast<unsigned>(c - '0');
  }
  if (number == 0 || number > 65535) {
    return false;
  }
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' &&
           host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
  }
  return host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
         std::string_view::npos;
}

// CID:PORT, both decimal 32-bit numbers.
bool isCidPort(std::string_view text) {
  const auto colon = text.find(':');
  const auto number = [](std::string_view digits) {
    if (digits.empty() || digits.size() > 10 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    std::uint64_t value = 0;
    for (const char c : digits) {
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value <= 0xFFFFFFFFULL;
  };
  return colon != std::string_view::npos && number(text.substr(0, colon)) && number(text.substr(colon + 1));
}

void setEndpoint(std::string_view value, ShimConfig& config, const Reporter& report) {
  constexpr std::string_view kUnix = "unix:";
  constexpr std::string_view kTcp = "tcp:";
  if (value.substr(0, kUnix.size()) == kUnix && isAbsolutePath(value.substr(kUnix.size()))) {
    config.endpoint = value;
  } else if (value.substr(0, kTcp.size()) == kTcp && isHostPort(value.substr(kTcp.size()))) {
    config.endpoint = value; // authenticated with the token file (VGPU_TOKEN_FILE, docs/configuration.md)
  } else if (value.substr(0, 6) == "vsock:" && isCidPort(value.substr(6))) {
    config.endpoint = value; // authenticated with the token file, as tcp: is
  } else {
    report("endpoint: expected unix:<absolute socket path>, tcp:<host>:<port> or vsock:<cid>:<port>, got '" +
           std::string(value) + "'");
  }
}

void setSysfsRoot(std::string_view value, ShimConfig& config, const Reporter& report) {
  if (isAbsolutePath(value)) {
    config.sysfsRoot = value;
  } else {
    report("sysfs_root: expected an absolute directory path, got '" + std::string(value) + "'");
  }
}

void setMachineIdFile(std::string_view value, ShimConfig& config, const Reporter& report) {
  if (isAbsolutePath(value)) {
    config.machineIdFile = value;
  } else {
    report("machine_id_file: expected an absolute file path, got '" + std::string(value) + "'");
  }
}

void setTokenFile(std::string_view value, ShimConfig& config, const Reporter& report) {
  if (isAbsolutePath(value)) {
    config.tokenFile = value;
  } else {
    report("token_file: expected an absolute file path, got '" + std::string(value) + "'");
  }
}

void addMatches(std::string_view value, ShimConfig& config, const Reporter& report) {
  forEachItem(value, [&](std::string_view item) {
    PciId id;
    if (!parsePciId(item, id)) {
      report("match: expected vendor:device as four hex digits each (e.g. 10de:2331), got '" + std::string(item) + "'");
    } else if (std::find(config.extraMatches.begin(), config.extraMatches.end(), id) == config.extraMatches.end()) {
      config.extraMatches.push_back(id);
    }
  });
}

void addProfileMappings(std::string_view value, ShimConfig& config, const Reporter& report) {
  forEachItem(value, [&](std::string_view item) {
    const auto equals = item.find('=');
    PciId id;
    if (equals == std::string_view::npos || !parsePciId(trim(item.substr(0, equals)), id)) {
      report("profile: expected vendor:device=profile-key (e.g. 10de:1234=h100-pcie), got '" + std::string(item) + "'");
      return;
    }
    const std::string_view key = trim(item.substr(equals + 1));
    if (findProfileByKey(key) == nullptr) {
      report("profile: unknown profile key '" + std::string(key) + "' (known keys: " + profileKeyList() + ")");
      return;
    }
    for (ProfileMapping& mapping : config.profileMappings) {
      if (mapping.id == id) {
        mapping.profileKey = key; // a later mapping of the same id wins
        return;
      }
    }
    config.profileMappings.push_back({id, std::string(key)});
  });
}

// vendor:device (libpci finds it), an absolute path (its BAR file, e.g. a sysfs resource2), or off.
void setSharedDevice(std::string_view value, ShimConfig& config, const Reporter& report) {
  PciId id;
  if (value == "off") {
    config.sharedDeviceId.reset();
    config.sharedDevicePath.clear();
  } else if (value.front() == '/') {
    config.sharedDeviceId.reset();
    config.sharedDevicePath = std::string(value);
  } else if (parsePciId(value, id)) {
    config.sharedDeviceId = id;
    config.sharedDevicePath.clear();
  } else {
    report("shared_device: expected vendor:device (e.g. 1af4:1110), an absolute path or off, got '" +
           std::string(value) + "'");
  }
}

void setJitLinker(std::string_view value, ShimConfig& config, const Reporter& report) {
  if (value == "off" || isAbsolutePath(value)) {
    config.jitLinker = value;
  } else {
    report("jit_linker: expected the absolute path of a libnvJitLink or off, got '" + std::string(value) + "'");
  }
}

struct KeyHandler {
  std::string_view key;
  void (*apply)(std::string_view value, ShimConfig& config, const Reporter& report);
};

constexpr std::array<KeyHandler, 9> kKeys{{
    {"backend", setBackend},
    {"endpoint", setEndpoint},
    {"sysfs_root", setSysfsRoot},
    {"machine_id_file", setMachineIdFile},
    {"match", addMatches},
    {"profile", addProfileMappings},
    {"shared_device", setSharedDevice},
    {"token_file", setTokenFile},
    {"jit_linker", setJitLinker},
}};

} // namespace

bool parsePciId(std::string_view text, PciId& id) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  PciId parsed;
  if (!parseHex16(text.substr(0, colon), parsed.vendorId) || !parseHex16(text.substr(colon + 1), parsed.deviceId)) {
    return false;
  }
  id = parsed;
  return true;
}

std::string formatPciId(PciId id) {
  char text[16];
  static_cast<void>(std::snprintf(text, sizeof text, "%04x:%04x", id.vendorId, id.deviceId));
  return text;
}

std::string_view backendName(Backend backend) {
  return backend == Backend::Remote ? "remote" : "sim";
}

void parseShimConfig(std::string_view text, ShimConfig& config, std::vector<ConfigProblem>& problems,
                     std::string_view source) {
  forEachKeyValue(text, [&](const KeyValueLine& line) {
    const Reporter report{problems, source, line.number};
    if (!line.error.empty()) {
      report(std::string(line.error) + "; line ignored");
      return true;
    }
    const std::string_view key = line.key;
    const std::string_view value = line.value;
    const auto handler =
        std::find_if(kKeys.begin(), kKeys.end(), [&](const KeyHandler& entry) { return entry.key == key; });
    if (handler == kKeys.end()) {
      std::string known;
      for (const KeyHandler& entry : kKeys) {
        known += (known.empty() ? "" : ", ") + std::string(entry.key);
      }
      report("unknown key '" + std::string(key) + "' (known: " + known + "); line ignored");
      return true;
    }
    if (value.empty()) {
      report(std::string(key) + ": empty value; line ignored");
      return true;
    }
    handler->apply(value, config, report);
    return true;
  });
}

// Used by the environment overrides in shim_config_load.cpp: applies one key's value as the file
// would, reporting against the variable's name.
void applyShimConfigValue(std::string_view key, std::string_view value, ShimConfig& config,
                          std::vector<ConfigProblem>& problems, std::string_view source) {
  const Reporter report{problems, source, 0};
  const auto handler =
      std::find_if(kKeys.begin(), kKeys.end(), [&](const KeyHandler& entry) { return entry.key == key; });
  if (handler == kKeys.end()) {
    report("internal: no configuration key '" + std::string(key) + "'");
    return;
  }
  const std::string_view trimmed = trim(value);
  if (trimmed.empty()) {
    report(std::string(key) + ": empty value; ignored");
    return;
  }
  handler->apply(trimmed, config, report);
}

std::string checkShimConfigValue(std::string_view key, std::string_view value) {
  ShimConfig scratch;
  std::vector<ConfigProblem> problems;
  applyShimConfigValue(key, value, scratch, problems, key);
  return problems.empty() ? std::string() : problems.front().message;
}

} // namespace vgpu::device
