// Loading the shim configuration: the file (readBoundedFile: a regular file, never blocking, bounded size), then the
// VGPU_* environment overrides, in a fixed table of variable → key.
#include "shim_config_internal.h"

#include "vgpu/bounded_file.h"

#include <array>
#include <cstdlib>

namespace vgpu::device {
namespace {

struct EnvironmentOverride {
  const char* variable;
  std::string_view key;
  bool replacesList; // VGPU_MATCH / VGPU_PROFILE replace the file's entries
};

constexpr std::array<EnvironmentOverride, 9> kOverrides{{
    {"VGPU_BACKEND", "backend", false},
    {"VGPU_ENDPOINT", "endpoint", false},
    {"VGPU_SYSFS_ROOT", "sysfs_root", false},
    {"VGPU_MACHINE_ID_FILE", "machine_id_file", false},
    {"VGPU_MATCH", "match", true},
    {"VGPU_PROFILE", "profile", true},
    {"VGPU_SHARED_DEVICE", "shared_device", false},
    {"VGPU_TOKEN_FILE", "token_file", false},
    {"VGPU_JIT_LINKER", "jit_linker", false},
}};

} // namespace

ConfigLoad loadShimConfig(const EnvironmentLookup& env) {
  ConfigLoad load;
  const char* configVariable = env ? env("VGPU_CONFIG") : nullptr;
  if (configVariable != nullptr && configVariable[0] != '\0') {
    load.path = configVariable;
  } else {
    load.path = kDefaultConfigPath;
  }

  const BoundedRead file = readBoundedFile(load.path, kMaxConfigFileBytes);
  const std::string& error = file.error;
  if (file.ok) {
    load.fileFound = true;
    parseShimConfig(file.text, load.config, load.problems, load.path);
  } else if (!file.missing) {
    load.fileFound = true;
    load.problems.push_back({load.path, 0, error + "; file ignored, defaults apply"});
  } else if (configVariable != nullptr && configVariable[0] != '\0') {
    // The default file may be absent; a file named explicitly should exist.
    load.problems.push_back({"VGPU_CONFIG", 0, load.path + ": " + error + "; defaults apply"});
  }

  if (!env) {
    return load;
  }
  for (const EnvironmentOverride& entry : kOverrides) {
    const char* value = env(entry.variable);
    if (value == nullptr) {
      continue;
    }
    if (entry.replacesList) {
      // Validate into a scratch copy so a fully bad value keeps the file's list.
      ShimConfig scratch = load.config;
      if (entry.key == "match") {
        scratch.extraMatches.clear();
      } else {
        scratch.profileMappings.clear();
      }
      const std::size_t before = load.problems.size();
      applyShimConfigValue(entry.key, value, scratch, load.problems, entry.variable);
      const bool anyValid = entry.key == "match" ? !scratch.extraMatches.empty() : !scratch.profileMappings.empty();
      if (anyValid || load.problems.size() == before) {
        load.config = std::move(scratch);
      }
      continue;
    }
    applyShimConfigValue(entry.key, value, load.config, load.problems, entry.variable);
  }
  return load;
}

EnvironmentLookup processEnvironment() {
  // The shims only read the environment (never setenv), so getenv's lack of locking is harmless.
  return [](const char* name) -> const char* { return std::getenv(name); }; // NOLINT(concurrency-mt-unsafe)
}

} // namespace vgpu::device
