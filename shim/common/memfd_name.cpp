#include "vgpu/memfd_name.h"

#include <climits>
#include <cstdio>
#include <string_view>
#include <unistd.h>

namespace vgpu {

bool memfdName(int fd, std::string& name) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[PATH_MAX];
  const ssize_t length = ::readlink(link, target, sizeof target - 1);
  if (length <= 0) {
    return false;
  }
  std::string_view text(target, static_cast<std::size_t>(length));
  constexpr std::string_view kMemfd = "/memfd:";
  constexpr std::string_view kDeleted = " (deleted)";
  if (!text.starts_with(kMemfd) || !text.ends_with(kDeleted)) {
    return false;
  }
  text.remove_prefix(kMemfd.size());
  text.remove_suffix(kDeleted.size());
  name.assign(text);
  return true;
}

} // namespace vgpu
