// Every limit vgpud holds its peers to, with the safe defaults it starts with. Each is a
// configuration key (daemon_options.cpp's table, docs/configuration.md, docs/security.md): the
// tenants of a GPU host are untrusted, so nothing a peer sends may grow vgpud without bound or make
// it refuse the others.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vgpu::daemon {

struct DaemonLimits {
  // Sessions at once, every transport together (at most SessionRegistry::kMaxSessions).
  std::uint32_t maxSessions = 256;
  // Authenticated TCP/vsock sessions from one remote address (or vsock CID).
  std::uint32_t maxSessionsPerPeer = 64;
  // TCP/vsock connections that have not completed hello yet, in total and from one address. They
  // are served by the accept loop itself (no thread, no session slot) until hello proves the token.
  std::uint32_t maxPending = 128;
  std::uint32_t maxPendingPerPeer = 8;
  // An unauthenticated connection is closed when its hello is not complete by then.
  std::uint32_t helloTimeoutMs = 5000;
  // What an unauthenticated connection may send before its hello is complete.
  std::uint32_t preAuthBytes = 64 * 1024;
  // Replies one session may hold before they are sent: a batch whose replies pass it is answered
  // in several writes (the client reads as it goes), never buffered whole.
  std::uint64_t replyBytes = std::uint64_t{8} << 20;
  // A peer that reads none of its replies for this long ends its session (the socket send timeout).
  std::uint32_t sendTimeoutMs = 60000;
  // backend cuda: a session worker whose client has left (or was killed by an admin) and that has not
  // ended this long after is killed, and the driver frees what it held. A driver call that never
  // returns (a kernel that never ends, a stream waiting for a word nobody writes) would otherwise
  // hold its session slot and GPU memory until vgpud stops.
  std::uint32_t orphanTimeoutMs = 30000;
  // A module image being uploaded in parts; it also counts against the session's memory.
  std::uint64_t moduleBytes = std::uint64_t{256} << 20;
  // What one session's graphs run whole (GraphCreate) may hold in vgpud, all of them together:
  // their nodes and kernel parameters. A graph past it is refused and the shim replays it instead.
  std::uint64_t graphBytes = std::uint64_t{64} << 20;
  // Devices one hello may ask for.
  std::uint32_t maxDevices = 8;
  // backend sim: host memory one session's simulated devices may hold, all devices together (device
  // memory on the simulated device is host memory), module uploads included. 0: no limit.
  std::uint64_t simMemoryBytes = std::uint64_t{4} << 30;
  // A session's clients' host memory vgpud maps, and on a GPU pins for the driver: pinned regions
  // (RegisterHost) and managed memory (ManagedAlloc), all together. Pinning faults every page in,
  // charged to vgpud, so without it one tenant could pin the host's memory.
  std::uint64_t pinnedBytes = std::uint64_t{32} << 30;
  // Descriptors one message may carry (the protocol sends one, with hello or RegisterHost).
  std::uint32_t descriptorsPerMessage = 1;
};

} // namespace vgpu::daemon
