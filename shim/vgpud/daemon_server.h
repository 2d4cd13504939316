// vgpud's accept loop: one thread polls the listening sockets, the signal descriptor and the TCP/vsock
// connections that have not authenticated yet (PendingConnections: no thread or slot before the
// token is proven). Every Unix client (root or vgpud's user) and every authenticated network client
// gets a Session served by its own thread (backend sim) or by its own worker process forked from the
// daemon (backend cuda: a CUDA fault is sticky for the whole process that met it — seen on an H100,
// docs/gpu-results — so each tenant's GPU work lives in its own process, as native CUDA programs
// do). No lock is shared between sessions on the data path. Every count is bounded (DaemonLimits),
// and running out of descriptors refuses the next client instead of spinning on it.
// SIGTERM/SIGINT drain: every session's socket is shut down, its thread joined or worker reaped.
// Clients speak the wire protocol (docs/wire-protocol.md).
#pragma once

#include "admin_server.h"
#include "pending_connections.h"
#include "session.h"
#include "session_registry.h"

#include "vgpu/unix_socket.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace vgpu::daemon {

class Server : private AdminActions {
public:
  struct Tcp {
    std::string host; // empty: no TCP listener
    std::string port;
    std::string vsockCid;  // "" = any CID
    std::string vsockPort; // empty: no vsock listener
    std::string token;     // every TCP and vsock session must present it
  };
  // `priorities` gives each Unix session its level by peer uid; TCP and vsock sessions get the default.
  Server(std::string socketPath, SessionLimits limits, Tcp tcp = {}, PriorityPolicy priorities = {},
         AdminSettings admin = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the socket and blocks SIGTERM/SIGINT into a signalfd. False with error() on failure.
  bool start();
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int run();
  const std::string& error() const { return error_; }

private:
  struct Worker {
    FileDescriptor fd;                       // closed here after the thread is joined or the process reaped
    std::string peer;                        // a network session's remote address ("" for Unix): counted per peer
    std::shared_ptr<std::atomic<bool>> done; // a session thread's end
    std::thread thread;
    pid_t pid = -1;              // a session worker process
    std::uint64_t sessionId = 0; // its registry slot, freed here when the thread is joined or the worker reaped
    std::chrono::steady_clock::time_point clientLeft{}; // a worker's client was seen gone then (epoch: not yet)
    bool killed = false;                                // SIGKILLed after orphan-timeout-ms
  };
  // A worker process whose client has gone and that is still running orphan-timeout-ms later (held
  // in the driver) is killed.
  void watchOrphan(Worker& worker);

  bool killSession(std::uint64_t id) override;

  // Accepts every waiting connection of `listener` (Unix: to a session; network: to pending).
  void acceptClients(int listener, bool network);
  // accept4 that survives descriptor exhaustion: the reserve descriptor is given up to accept and
  // close the connection, so the listener stops being readable instead of spinning the loop.
  FileDescriptor acceptOne(int listener);
  void startSession(FileDescriptor fd, PeerCredentials peer, std::string networkPeer,
                    std::vector<std::uint8_t> received);
  void startWorkerProcess(FileDescriptor fd, PeerCredentials peer, std::string networkPeer, SessionLimits limits,
                          std::vector<std::uint8_t> received);
  [[noreturn]] void runWorkerProcess(int fd, PeerCredentials peer, bool tcp, SessionLimits limits, SessionFigures* slot,
                                     pid_t daemon, std::vector<std::uint8_t> received);
  std::size_t sessionsFrom(const std::string& networkPeer) const;
  // A reaped worker's end, logged; its registry slot freed.
  void workerEnded(const Worker& worker, int status);
  void reapFinished();
  void drain();

  std::string socketPath_;
  SessionLimits limits_;
  FileDescriptor listener_;
  Tcp tcp_;
  PriorityPolicy priorities_;
  FileDescriptor tcpListener_;
  FileDescriptor vsockListener_;
  FileDescriptor signals_;
  FileDescriptor reserve_; // given up only to accept-and-close while descriptors are exhausted
  PendingConnections pending_;
  std::uint64_t refusedForDescriptors_ = 0;
  SessionRegistry registry_;
  std::list<Worker> workers_;
  AdminServer admin_;
  std::string error_;
};

} // namespace vgpu::daemon
