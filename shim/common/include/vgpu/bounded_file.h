// Reading a file that configuration names or that lies in a tree we do not own (VGPU_CONFIG,
// VGPU_MACHINE_ID_FILE, VGPU_TOKEN_FILE, vgpud's --config and --token-file): regular files only,
// opened with O_NONBLOCK so a FIFO can never block the caller (cuInit runs inside someone else's
// program), and never more than a stated number of bytes read, so /dev/zero or a huge file cannot
// grow the process. Every such read goes through here (docs/security.md).
#pragma once

#include <cstddef>
#include <string>

namespace vgpu {

struct BoundedRead {
  bool ok = false;
  bool missing = false; // the path does not exist (callers may treat that as "not configured")
  std::string text;     // the whole file when ok
  std::string error;    // why not, when !ok: "not a regular file", "larger than N bytes", errno text
};

BoundedRead readBoundedFile(const std::string& path, std::size_t maxBytes);

} // namespace vgpu
