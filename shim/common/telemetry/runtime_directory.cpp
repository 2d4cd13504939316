// The runtime-directory rule (vgpu/telemetry/runtime_directory.h): the serving side's choice and
// the readers' scan list, from one set of inputs.
#include "vgpu/telemetry/runtime_directory.h"

#include "system_error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::telemetry {
namespace {

bool isDirectory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// "/a/b/" → "/a/b": the same directory named twice is scanned once.
std::string withoutTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  return path;
}

// Creates `path` 0750 when missing. The umask may have removed bits: they are set on the directory
// itself, opened without following a symlink, and only when it is ours (in a shared parent the
// name could already be another's).
bool createDirectory(const std::string& path, std::string& why) {
  if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST) {
    why = "cannot create " + path + ": " + systemError(errno);
    return false;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    struct stat own {};
    if (::fstat(fd, &own) == 0 && own.st_uid == ::geteuid()) {
      ::fchmod(fd, 0750);
    }
    ::close(fd);
  }
  return true;
}

// Whether a process could serve in `path`: it exists (or, when `create`, is created; with
// `mayCreate` alone a missing one counts, since the process would create it) and is writable.
bool usableDirectory(const RuntimeDirectoryInputs& inputs, const std::string& path, RuntimeDirectoryUse use,
                     bool mayCreate, std::string& why) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    if (!mayCreate || error != ENOENT) {
      why = path + ": " + systemError(error);
      return false;
    }
    if (use == RuntimeDirectoryUse::WouldServe) {
      return true; // the process creates it at its first cuInit
    }
    if (!createDirectory(path, why)) {
      return false;
    }
    if (::stat(path.c_str(), &info) != 0) {
      why = path + ": " + systemError(errno);
      return false;
    }
  }
  if (!S_ISDIR(info.st_mode)) {
    why = path + " is not a directory";
    return false;
  }
  const bool writable = inputs.writable ? inputs.writable(path) : ::access(path.c_str(), W_OK | X_OK) == 0;
  if (!writable) {
    why = path + " is not writable";
    return false;
  }
  return true;
}

RuntimeDirectories serving(const RuntimeDirectoryInputs& inputs, RuntimeDirectoryUse use) {
  RuntimeDirectories result;
  if (!inputs.configured.empty()) {
    if (usableDirectory(inputs, inputs.configured, use, true, result.why)) {
      result.directories.push_back(inputs.configured);
    }
    return result;
  }
  std::string systemWhy;
  if (usableDirectory(inputs, inputs.systemDirectory, use, false, systemWhy)) {
    result.directories.push_back(inputs.systemDirectory);
    return result;
  }
  if (inputs.xdgRuntimeDir.empty()) {
    result.why = systemWhy + "; XDG_RUNTIME_DIR is not set";
    return result;
  }
  const std::string user = withoutTrailingSlash(inputs.xdgRuntimeDir) + "/vgpu";
  std::string userWhy;
  if (!usableDirectory(inputs, user, use, true, userWhy)) {
    result.why = systemWhy + "; " + userWhy;
    return result;
  }
  result.directories.push_back(user);
  return result;
}

RuntimeDirectories reading(const RuntimeDirectoryInputs& inputs) {
  RuntimeDirectories result;
  const auto add = [&result](const std::string& path) {
    const std::string clean = withoutTrailingSlash(path);
    if (isDirectory(clean) &&
        std::find(result.directories.begin(), result.directories.end(), clean) == result.directories.end()) {
      result.directories.push_back(clean);
    }
  };
  if (!inputs.configured.empty()) {
    add(inputs.configured);
    if (result.directories.empty()) {
      result.why = "VGPU_RUNTIME_DIR " + inputs.configured + " is not a directory";
    }
    return result;
  }
  add(inputs.systemDirectory);
  if (!inputs.xdgRuntimeDir.empty()) {
    add(withoutTrailingSlash(inputs.xdgRuntimeDir) + "/vgpu");
  }
  if (!inputs.userDirectories.empty()) {
    // Only the folders this caller can enter: stat fails on another user's 0700 folder.
    std::vector<std::string> users;
    if (DIR* dir = ::opendir(inputs.userDirectories.c_str()); dir != nullptr) {
      while (const dirent* entry = ::readdir(dir)) { // NOLINT(concurrency-mt-unsafe): own DIR stream
        const std::string_view name(entry->d_name);
        if (!name.empty() && name.size() <= 10 &&
            std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          users.emplace_back(name);
        }
      }
      ::closedir(dir);
    }
    std::sort(users.begin(), users.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    for (const std::string& uid : users) {
      add(withoutTrailingSlash(inputs.userDirectories) + "/" + uid + "/vgpu");
    }
  }
  if (result.directories.empty()) {
    result.why = "none of " + inputs.systemDirectory +
                 (inputs.xdgRuntimeDir.empty() ? std::string() : ", " + inputs.xdgRuntimeDir + "/vgpu") + " exists";
  }
  return result;
}

} // namespace

RuntimeDirectoryInputs RuntimeDirectoryInputs::fromEnvironment() {
  RuntimeDirectoryInputs inputs;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read only
  if (const char* configured = std::getenv("VGPU_RUNTIME_DIR"); configured != nullptr) {
    inputs.configured = configured;
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read only
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg != nullptr) {
    inputs.xdgRuntimeDir = xdg;
  }
  return inputs;
}

RuntimeDirectories runtimeDirectories(const RuntimeDirectoryInputs& inputs, RuntimeDirectoryUse use) {
  return use == RuntimeDirectoryUse::Read ? reading(inputs) : serving(inputs, use);
}

} // namespace vgpu::telemetry
