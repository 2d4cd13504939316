// TCP and vsock connections between accept and a complete, authenticated hello. They are served by
// vgpud's accept loop itself, non-blocking: no thread, no worker process, no session slot and at
// most DaemonLimits::preAuthBytes of buffer each, so unauthenticated peers cannot exhaust what
// authenticated tenants (or root's Unix clients) need. Before hello only Version is answered; any
// other call, a wrong token, too many bytes or a missed deadline closes the connection. Counts are
// bounded per remote address (more are refused) and in total (the oldest gives way to the newest).
#pragma once

#include "daemon_limits.h"

#include "vgpu/unix_socket.h"

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <vector>

struct pollfd;

namespace vgpu::daemon {

// A connection whose hello presented the right token: the bytes received so far (the hello frame
// and whatever followed it) go to its session unconsumed.
struct AuthenticatedConnection {
  FileDescriptor fd;
  std::string peer; // "tcp:ADDRESS" or "vsock:CID"
  std::vector<std::uint8_t> received;
};

class PendingConnections {
public:
  using Clock = std::chrono::steady_clock;

  PendingConnections(const DaemonLimits& limits, const std::string& token) : limits_(limits), token_(token) {}

  // Takes a freshly accepted connection from `peer`; false (and the connection closed) when that
  // peer's count is at its limit. At the total limit the oldest pending connection is closed.
  bool admit(FileDescriptor fd, const std::string& peer, Clock::time_point now);
  // One pollfd per connection, appended in this object's order.
  void appendPollFds(std::vector<pollfd>& fds) const;
  // Reads from the connections whose entries in `fds` (as appended, from `first`) are ready, closes
  // those that failed or expired, and moves the authenticated ones to `ready`.
  void service(const std::vector<pollfd>& fds, std::size_t first, Clock::time_point now,
               std::vector<AuthenticatedConnection>& ready);
  // Milliseconds until the next deadline (for poll), -1 when none is pending.
  int nextDeadlineMs(Clock::time_point now) const;
  std::size_t size() const { return connections_.size(); }
  // Closes every connection (a forked session worker does not keep the daemon's).
  void closeAll() {
    connections_.clear();
    perPeer_.clear();
  }

private:
  struct Connection {
    FileDescriptor fd;
    std::string peer;
    Clock::time_point deadline;
    std::vector<std::uint8_t> received;
  };
  enum class Progress { Waiting, Authenticated, Close };

  Progress read(Connection& connection);
  Progress examine(Connection& connection);
  void drop(std::list<Connection>::iterator it, const char* why);

  const DaemonLimits& limits_;
  const std::string& token_;
  std::list<Connection> connections_;
  std::map<std::string, std::uint32_t> perPeer_;
};

// The remote address of a TCP or vsock connection, as "tcp:ADDRESS" or "vsock:CID".
std::string remotePeerName(int fd);

} // namespace vgpu::daemon
