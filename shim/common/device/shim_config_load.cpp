// Loading the shim configuration: the file (plain POSIX reads, bounded size), then the VGPU_*
// environment overrides, in a fixed table of variable → key.
#include "shim_config_internal.h"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace vgpu::device {
namespace {

struct EnvironmentOverride {
  const char* variable;
  std::string_view key;
  bool replacesList; // VGPU_MATCH / VGPU_PROFILE replace the file's entries
};

constexpr std::array<EnvironmentOverride, 6> kOverrides{{
    {"VGPU_BACKEND", "backend", false},
    {"VGPU_ENDPOINT", "endpoint", false},
    {"VGPU_SYSFS_ROOT", "sysfs_root", false},
    {"VGPU_MACHINE_ID_FILE", "machine_id_file", false},
    {"VGPU_MATCH", "match", true},
    {"VGPU_PROFILE", "profile", true},
}};

} // namespace

bool readSmallFile(const std::string& path, std::size_t maxBytes, std::string& contents, bool& missing,
                   std::string& error) {
  missing = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    missing = errno == ENOENT;
    error = "cannot open: " + std::generic_category().message(errno);
    return false;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = "not a regular file";
    ::close(fd);
    return false;
  }
  contents.clear();
  char buffer[4096];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = "cannot read: " + std::generic_category().message(errno);
      ::close(fd);
      return false;
    }
    if (count == 0) {
      break;
    }
    contents.append(buffer, static_cast<std::size_t>(count));
    if (contents.size() > maxBytes) {
      error = "larger than " + std::to_string(maxBytes) + " bytes";
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
  return true;
}

ConfigLoad loadShimConfig(const EnvironmentLookup& env) {
  ConfigLoad load;
  const char* configVariable = env ? env("VGPU_CONFIG") : nullptr;
  if (configVariable != nullptr && configVariable[0] != '\0') {
    load.path = configVariable;
  } else {
    load.path = kDefaultConfigPath;
  }

  std::string text;
  bool missing = false;
  std::string error;
  if (readSmallFile(load.path, kMaxConfigFileBytes, text, missing, error)) {
    load.fileFound = true;
    parseShimConfig(text, load.config, load.problems, load.path);
  } else if (!missing) {
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
