// Choosing the directory that holds the control sockets: VGPU_RUNTIME_DIR, else /run/vgpu when it
// exists and is writable (packaging creates it), else $XDG_RUNTIME_DIR/vgpu, created 0750.
#include "vgpu/telemetry/telemetry_server.h"

#include "system_error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::telemetry {
namespace {

// The directory exists (created 0750 when missing) and this process may create files in it.
bool usableDirectory(const std::string& path, bool create, std::string& why) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (!create || errno != ENOENT) {
      why = path + ": " + systemError(errno);
      return false;
    }
    if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST) {
      why = "cannot create " + path + ": " + systemError(errno);
      return false;
    }
    // The umask may have removed bits. Set them on the directory itself, opened without following a
    // symlink, and only when it is ours: in a shared parent the name could already be another's.
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      struct stat own {};
      if (::fstat(fd, &own) == 0 && own.st_uid == ::geteuid()) {
        ::fchmod(fd, 0750);
      }
      ::close(fd);
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
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    why = path + " is not writable";
    return false;
  }
  return true;
}

} // namespace

std::string runtimeDirectory(std::string& why) {
  const char* configured = std::getenv("VGPU_RUNTIME_DIR"); // NOLINT(concurrency-mt-unsafe): read once
  if (configured != nullptr && *configured != '\0') {
    return usableDirectory(configured, true, why) ? std::string(configured) : std::string();
  }
  std::string systemWhy;
  if (usableDirectory("/run/vgpu", false, systemWhy)) {
    return "/run/vgpu";
  }
  const char* xdg = std::getenv("XDG_RUNTIME_DIR"); // NOLINT(concurrency-mt-unsafe): read once
  if (xdg == nullptr || *xdg == '\0') {
    why = systemWhy + "; XDG_RUNTIME_DIR is not set";
    return {};
  }
  std::string user = std::string(xdg) + "/vgpu";
  if (!usableDirectory(user, true, why)) {
    why = systemWhy + "; " + why;
    return {};
  }
  return user;
}

} // namespace vgpu::telemetry
