// AF_UNIX socket helpers. Everything is close-on-exec: the shim lives in processes that fork.
#include "vgpu/unix_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace vgpu {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    reset(other.release());
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  reset();
}

int FileDescriptor::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void FileDescriptor::reset(int fd) {
  if (fd_ >= 0) {
    ::close(fd_);
  }
  fd_ = fd;
}

namespace {

SocketResult failure(int error, const std::string& what, const std::string& path) {
  SocketResult result;
  result.error = error;
  result.message = what + " " + path + ": " + std::strerror(error);
  return result;
}

bool fillAddress(const std::string& path, sockaddr_un& address) {
  std::memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return false;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return true;
}

// A socket file nobody accepts on is stale (its owner died): safe to replace.
bool isStaleSocket(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode)) {
    return false;
  }
  const SocketResult probe = connectUnix(path);
  return !probe.fd.valid() && probe.error == ECONNREFUSED;
}

} // namespace

SocketResult listenUnix(const std::string& path, int backlog) {
  sockaddr_un address{};
  if (!fillAddress(path, address)) {
    return failure(ENAMETOOLONG, "socket path unusable:", path);
  }
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return failure(errno, "cannot create a socket for", path);
  }
  if (isStaleSocket(path)) {
    ::unlink(path.c_str());
  }
  // Bound under a private name and linked to `path` once listening: whoever finds the path can
  // connect. Bound at `path` directly, a client (or a test) racing the owner's start met a socket
  // that refused, which isStaleSocket also takes for a dead owner's. link() never replaces a file.
  const std::string bound = path + "." + std::to_string(::getpid()) + ".new";
  sockaddr_un boundAddress{};
  const bool viaLink = fillAddress(bound, boundAddress);
  if (viaLink) {
    ::unlink(bound.c_str()); // left by a process of this pid that died in between
  }
  const sockaddr_un& bindAddress = viaLink ? boundAddress : address; // a path too long for the suffix
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&bindAddress), sizeof bindAddress) != 0) {
    return failure(errno, "cannot bind", path);
  }
  if (::listen(fd.get(), backlog) != 0) {
    const int error = errno;
    ::unlink(bindAddress.sun_path);
    return failure(error, "cannot listen on", path);
  }
  if (viaLink) {
    const int linked = ::link(bound.c_str(), path.c_str());
    const int error = errno;
    ::unlink(bound.c_str());
    if (linked != 0) {
      return failure(error == EEXIST ? EADDRINUSE : error, "cannot bind", path);
    }
  }
  SocketResult result;
  result.fd = std::move(fd);
  return result;
}

SocketResult connectUnix(const std::string& path) {
  sockaddr_un address{};
  if (!fillAddress(path, address)) {
    return failure(ENAMETOOLONG, "socket path unusable:", path);
  }
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return failure(errno, "cannot create a socket for", path);
  }
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    return failure(errno, "cannot connect to", path);
  }
  SocketResult result;
  result.fd = std::move(fd);
  return result;
}

bool writeAll(int fd, std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return true;
}

bool readAll(int fd, std::span<std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::recv(fd, data.data(), data.size(), 0);
    if (n == 0) {
      errno = ECONNRESET;
      return false;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return true;
}

bool peerCredentials(int fd, PeerCredentials& out) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof credentials) {
    return false;
  }
  out.pid = credentials.pid;
  out.uid = credentials.uid;
  out.gid = credentials.gid;
  out.groups.clear();
  // Called on an accepted socket before anything is read: one size query, then the list (it may
  // not grow: the peer's credentials were captured at connect).
  std::vector<gid_t> groups(64);
  socklen_t size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) {
    if (errno != ERANGE) {
      return true; // an older kernel: the group database decides (access_control.cpp)
    }
    groups.resize(size / sizeof(gid_t));
    size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) {
      return true;
    }
  }
  groups.resize(std::min<std::size_t>(groups.size(), size / sizeof(gid_t)));
  out.groups = std::move(groups);
  return true;
}

} // namespace vgpu
