// Small RAII helpers over AF_UNIX stream sockets, shared by vgpud, the shim and the tests.
// Errors come back as errno values with a message naming the path: callers decide what to log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vgpu {

class FileDescriptor {
public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  ~FileDescriptor();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset(int fd = -1);

private:
  int fd_ = -1;
};

struct SocketResult {
  FileDescriptor fd;
  int error = 0;       // errno when !fd.valid()
  std::string message; // human-readable, names the path
};

// Binds and listens on a filesystem socket path. Refuses to replace anything but a stale socket.
SocketResult listenUnix(const std::string& path, int backlog = 64);
SocketResult connectUnix(const std::string& path);

// Blocking full transfers; false on EOF or error (errno is preserved).
bool writeAll(int fd, std::span<const std::uint8_t> data);
bool readAll(int fd, std::span<std::uint8_t> data);

struct PeerCredentials {
  pid_t pid = -1;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  // The peer's supplementary groups as the kernel has them (SO_PEERGROUPS, Linux 4.13): what the
  // process really holds, also for a uid without an account. Empty when the kernel cannot say.
  std::vector<gid_t> groups;
};
// SO_PEERCRED (and SO_PEERGROUPS) of a connected Unix socket.
bool peerCredentials(int fd, PeerCredentials& out);

} // namespace vgpu
