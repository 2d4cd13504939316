// Small TCP helpers the guest programs of the VM tests share: connect to the host (10.0.2.2 through
// QEMU's user network), read and write whole buffers, read one line.
#pragma once

#include <cstddef>
#include <string>

namespace vgpu::vmtest {

// A connected TCP socket to host:port (TCP_NODELAY), or -1 with errno set.
int connectTcp(const std::string& host, int port);
// Writes all `size` bytes; false on error.
bool writeAll(int fd, const void* data, std::size_t size);
// Reads exactly `size` bytes; false on EOF or error.
bool readAll(int fd, void* data, std::size_t size);
// Reads up to a newline (not included); false on EOF before it.
bool readLine(int fd, std::string& line);
// Seconds on the monotonic clock.
double now();

} // namespace vgpu::vmtest
