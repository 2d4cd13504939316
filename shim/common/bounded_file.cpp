// readBoundedFile: open without blocking, refuse anything but a regular file, read at most the
// bound (the size fstat reports is not trusted: /proc and sysfs files report 0 or 4096).
#include "vgpu/bounded_file.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace vgpu {

BoundedRead readBoundedFile(const std::string& path, std::size_t maxBytes) {
  BoundedRead result;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    result.missing = errno == ENOENT;
    result.error = "cannot open: " + std::generic_category().message(errno);
    return result;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    result.error = "not a regular file";
    ::close(fd);
    return result;
  }
  if (static_cast<std::uint64_t>(info.st_size) > maxBytes) {
    result.error = "larger than " + std::to_string(maxBytes) + " bytes";
    ::close(fd);
    return result;
  }
  char buffer[4096];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) {
        continue;
      }
      result.error = "cannot read: " + std::generic_category().message(errno);
      result.text.clear();
      ::close(fd);
      return result;
    }
    if (count == 0) {
      break;
    }
    result.text.append(buffer, static_cast<std::size_t>(count));
    if (result.text.size() > maxBytes) {
      result.error = "larger than " + std::to_string(maxBytes) + " bytes";
      result.text.clear();
      ::close(fd);
      return result;
    }
  }
  ::close(fd);
  result.ok = true;
  return result;
}

} // namespace vgpu
