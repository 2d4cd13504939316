// The raw channels the remote path is measured against, in the same run and with the same sizes:
// a ping-pong of a synchronous call's frame sizes over a Unix socketpair or loopback TCP, and a
// one-way bulk transfer over loopback TCP.
#pragma once

#include <cstddef>

namespace vgpu::bench {

// Round trip of a 32-byte request and a 28-byte reply (a frame header plus a status) between two
// threads, in microseconds (mean over `rounds`).
double unixPingPongMicroseconds(int rounds);
double tcpPingPongMicroseconds(int rounds);
// Seconds to move `bytes` from one thread to another over loopback TCP (1 MiB writes).
double tcpBulkSeconds(std::size_t bytes);

} // namespace vgpu::bench
