// listenControlSocket: bind in a private directory, set group and mode there, rename into place.
#include "vgpu/telemetry/control_socket_file.h"

#include "system_error.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::telemetry {
namespace {

SocketResult failed(int error, std::string message) {
  SocketResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

// A name that holds nothing live: absent, or a socket nobody listens on.
bool replaceable(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    return errno == ENOENT;
  }
  if (!S_ISSOCK(info.st_mode)) {
    return false;
  }
  const SocketResult probe = connectUnix(path);
  return !probe.fd.valid() && probe.error == ECONNREFUSED;
}

// rename without replacing what another process made; falls back to rename(2) where the file
// system lacks RENAME_NOREPLACE (the name was checked just before).
int renameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno == EINVAL || errno == ENOSYS) {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
  }
  return errno;
}

} // namespace

SocketResult listenControlSocket(const std::string& directory, const std::string& name, std::optional<gid_t> group,
                                 std::string& warning) {
  std::string scratch = directory + "/.vgpu-XXXXXX";
  if (::mkdtemp(scratch.data()) == nullptr) {
    return failed(errno, "cannot create a private directory in " + directory + ": " + systemError(errno));
  }
  const std::string inner = scratch + "/s";
  const std::string target = directory + "/" + name;
  SocketResult result = listenUnix(inner);
  if (result.fd.valid()) {
    // Only this user can enter the scratch directory: these names cannot have been swapped.
    if (group && ::chown(inner.c_str(), static_cast<uid_t>(-1), *group) != 0) {
      warning = "cannot give the socket to its group: " + systemError(errno);
    }
    ::chmod(inner.c_str(), 0660);
    int error = renameNoReplace(inner, target);
    if (error == EEXIST && replaceable(target)) {
      ::unlink(target.c_str()); // a stale socket of an earlier process with this pid
      error = renameNoReplace(inner, target);
    }
    if (error != 0) {
      ::unlink(inner.c_str());
      result = failed(error, "cannot create " + target + ": " +
                                 (error == EEXIST ? std::string("a live socket or another file holds the name")
                                                  : systemError(error)));
    }
  }
  ::rmdir(scratch.c_str());
  return result;
}

} // namespace vgpu::telemetry
