// vgpud's management socket (docs/management-protocol.md): the host admin's view of every GPU and
// session, and the actions on a session (quota, priority, drain, kill). Separate from the tenants'
// data path: its own Unix socket for root, vgpud's uid and the admin group (SO_PEERCRED), and an
// optional TCP listener with its own token. It is served by the accept loop's thread, non-blocking,
// with every buffer bounded, so an admin client can neither block a tenant nor grow vgpud; the
// figures come from the session registry's shared slots, which sessions update lock-free.
#pragma once

#include "admin_sample.h"
#include "session_registry.h"

#include "vgpu/telemetry/access_control.h"
#include "vgpu/unix_socket.h"

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <poll.h>
#include <string>
#include <vector>

namespace vgpu::daemon {

struct AdminSettings {
  std::string socketPath; // admin-listen = unix:PATH ("" = none)
  std::string tcpHost;    // admin-listen = tcp:HOST:PORT ("" = none)
  std::string tcpPort;
  std::string token;                 // admin-token-file's content: required for TCP
  std::string group = "vgpud-admin"; // admin-group: members may connect to the Unix socket
  std::string backend = "sim";       // "sim" or "cuda", for hello and samples
  std::string nvmlPath;              // cuda backend: NVIDIA's NVML for the GPUs' state ("" = none)
};

// What only the accept loop can do (it owns the sessions' sockets).
class AdminActions {
public:
  virtual ~AdminActions() = default;
  // Closes the session's connection; false when no such session is served.
  virtual bool killSession(std::uint64_t id) = 0;
};

class AdminServer {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxConnections = 16;
  static constexpr std::size_t kMaxLineBytes = 65536;
  static constexpr std::size_t kMaxQueuedBytes = std::size_t{4} << 20;

  AdminServer(AdminSettings settings, SessionRegistry& registry, AdminActions& actions);
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  bool enabled() const { return !settings_.socketPath.empty() || !settings_.tcpHost.empty(); }
  // Creates the listeners; false with `error`.
  bool start(std::string& error);
  // Listeners first, then connections; service() takes the same entries from `first` on.
  void appendPollFds(std::vector<pollfd>& fds) const;
  void service(const std::vector<pollfd>& fds, std::size_t first, Clock::time_point now);
  // Milliseconds to the next subscriber's sample; -1: none due.
  int nextDeadlineMs(Clock::time_point now) const;
  // In a forked session worker: the admin sockets belong to the daemon.
  void closeAll();
  void removeSocketFile();

private:
  struct Connection {
    FileDescriptor fd;
    bool network = false;
    bool authenticated = false; // unix: after the credentials check; tcp: after hello with the token
    std::string who;            // "uid 0 pid 1234 (unix)" or "tcp:10.0.0.9": for the log
    std::string input;
    std::string output;
    std::uint64_t dropped = 0;
    std::int64_t intervalMs = 0; // 0: not subscribed
    Clock::time_point nextSample{};
    Clock::time_point helloDeadline{}; // network, before authentication
    bool closing = false;
  };

  void accept(int listener, bool network);
  void readFrom(Connection& connection, Clock::time_point now);
  void handleLines(Connection& connection, Clock::time_point now);
  void handleLine(Connection& connection, std::string_view line, Clock::time_point now);
  void queue(Connection& connection, std::string line, bool droppable);
  void writeTo(Connection& connection);
  void sendSample(Connection& connection);
  std::string act(Connection& connection, std::string_view command, std::uint64_t session,
                  const telemetry::JsonValue& request);

  AdminSettings settings_;
  SessionRegistry& registry_;
  AdminActions& actions_;
  telemetry::AccessPolicy policy_;
  FileDescriptor unixListener_;
  FileDescriptor tcpListener_;
  std::list<Connection> connections_;
  SampleBuilder samples_;
  std::unique_ptr<HostNvml> nvml_; // the cuda backend's GPUs as NVML sees them; nullptr without NVML
};

} // namespace vgpu::daemon
