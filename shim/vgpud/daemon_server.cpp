// The vgpud accept loop, session threads and worker processes, and the SIGTERM drain.
#include "daemon_server.h"

#include "cuda_driver.h"
#include "tcp_transport.h"

#include "vgpu/wire_frame.h"

#include "vgpu/log.h"
#include "vgpu/version.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";

// Sessions, queued descriptors and pending connections all hold descriptors: the soft limit is
// raised to the hard one (systemd's default soft limit is 1024), and a budget that still does not
// fit is said at start rather than found out under load.
void raiseDescriptorLimit(const DaemonLimits& bounds) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Each session: its socket and up to 16 queued descriptors; each pending connection: its socket.
  const std::uint64_t budget = std::uint64_t{bounds.maxSessions} * 17 + bounds.maxPending + 64;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < budget) {
    log::writef(log::Level::Warn, kComponent,
                "open-file limit %llu is below what the limits may use (%llu): when it runs out new clients are "
                "refused; raise LimitNOFILE or lower max-sessions",
                static_cast<unsigned long long>(limit.rlim_cur), static_cast<unsigned long long>(budget));
  }
}
} // namespace

Server::Server(std::string socketPath, SessionLimits limits, Tcp tcp, PriorityPolicy priorities, AdminSettings admin)
    : socketPath_(std::move(socketPath)), limits_(limits), tcp_(std::move(tcp)), priorities_(std::move(priorities)),
      pending_(limits_.bounds, tcp_.token), admin_(std::move(admin), registry_, *this) {}

Server::~Server() {
  drain();
  if (listener_.valid()) {
    ::unlink(socketPath_.c_str());
  }
  admin_.removeSocketFile();
}

bool Server::killSession(std::uint64_t id) {
  for (Worker& worker : workers_) {
    if (worker.sessionId == id) {
      // The session's blocking read returns (thread or worker process alike: the socket is shared),
      // it frees everything and ends; its client's next call finds the connection closed.
      ::shutdown(worker.fd.get(), SHUT_RDWR);
      return true;
    }
  }
  return false;
}
bool Server::start() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGCHLD); // a session worker ended: reap it at once
  // Blocked before any session thread exists, so every thread inherits the mask and only the
  // signalfd sees SIGTERM/SIGINT.
  if (const int failure = ::pthread_sigmask(SIG_BLOCK, &mask, nullptr); failure != 0) {
    error_ = std::string("cannot block signals: ") + std::system_category().message(failure);
    return false;
  }
  signals_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_.valid()) {
    error_ = std::string("cannot create a signalfd: ") + std::system_category().message(errno);
    return false;
  }
  raiseDescriptorLimit(limits_.bounds);
  reserve_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  SocketResult listening = listenUnix(socketPath_);
  if (!listening.fd.valid()) {
    error_ = listening.message;
    return false;
  }
  listener_ = std::move(listening.fd);
  log::writef(log::Level::Info, kComponent, "listening on unix:%s", socketPath_.c_str());
  if (!tcp_.host.empty()) {
    SocketResult tcp = listenTcp(tcp_.host, tcp_.port);
    if (!tcp.fd.valid()) {
      error_ = tcp.message;
      return false;
    }
    tcpListener_ = std::move(tcp.fd);
    log::writef(log::Level::Info, kComponent, "listening on tcp:%s:%s (token required)", tcp_.host.c_str(),
                tcp_.port.c_str());
  }
  if (!tcp_.vsockPort.empty()) {
    SocketResult vsock = listenVsock(tcp_.vsockCid, tcp_.vsockPort);
    if (!vsock.fd.valid()) {
      error_ = vsock.message;
      return false;
    }
    vsockListener_ = std::move(vsock.fd);
    log::writef(log::Level::Info, kComponent, "listening on vsock:%s:%s (token required)",
                tcp_.vsockCid.empty() ? "any" : tcp_.vsockCid.c_str(), tcp_.vsockPort.c_str());
  }
  if (admin_.enabled()) {
    std::string error;
    if (!admin_.start(error)) {
      error_ = error;
      return false;
    }
  }
  // The accept loop takes every waiting connection in one go: listeners must not block it.
  for (const FileDescriptor* listener : {&listener_, &tcpListener_, &vsockListener_}) {
    if (listener->valid()) {
      ::fcntl(listener->get(), F_SETFL, ::fcntl(listener->get(), F_GETFL) | O_NONBLOCK);
    }
  }
  ::sd_notify(0, "READY=1");
  return true;
}

FileDescriptor Server::acceptOne(int listener) {
  FileDescriptor fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (fd.valid() || (errno != EMFILE && errno != ENFILE)) {
    return fd;
  }
  // Out of descriptors: the waiting connection would keep the listener readable and the loop
  // spinning. Give up the reserve to accept it, close it at once, and take the reserve back.
  if (refusedForDescriptors_++ % 1000 == 0) {
    log::writef(log::Level::Warn, kComponent,
                "out of file descriptors: refusing new clients (%llu so far); raise LimitNOFILE or lower max-sessions",
                static_cast<unsigned long long>(refusedForDescriptors_));
  }
  reserve_.reset();
  FileDescriptor refused(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  refused.reset();
  reserve_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  return {};
}

void Server::acceptClients(int listener, bool network) {
  // A bounded batch per wake-up, so one listener cannot starve the others or the signals.
  for (int accepted = 0; accepted < 64; ++accepted) {
    FileDescriptor fd = acceptOne(listener);
    if (!fd.valid()) {
      return;
    }
    if (network) {
      // TCP or vsock: authenticated by the token in hello, first in the accept loop itself. Small
      // TCP frames must not wait for Nagle (the option fails harmlessly on vsock).
      const int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::string peer = remotePeerName(fd.get());
      pending_.admit(std::move(fd), peer, PendingConnections::Clock::now());
      continue;
    }
    PeerCredentials peer;
    if (!peerCredentials(fd.get(), peer)) {
      log::write(log::Level::Warn, kComponent, "refused a client: no peer credentials");
      continue;
    }
    // Only root and the daemon's own user may connect (docs/security.md).
    if (peer.uid != 0 && peer.uid != ::getuid()) {
      log::writef(log::Level::Warn, kComponent, "refused pid %d uid %u: not root and not uid %u",
                  static_cast<int>(peer.pid), peer.uid, ::getuid());
      continue;
    }
    startSession(std::move(fd), peer, {}, {});
  }
}

std::size_t Server::sessionsFrom(const std::string& networkPeer) const {
  std::size_t count = 0;
  for (const Worker& worker : workers_) {
    count += worker.peer == networkPeer ? std::size_t{1} : std::size_t{0};
  }
  return count;
}

void Server::startSession(FileDescriptor fd, PeerCredentials peer, std::string networkPeer,
                          std::vector<std::uint8_t> received) {
  reapFinished();
  const bool network = !networkPeer.empty();
  const char* refusal = nullptr;
  if (workers_.size() >= limits_.bounds.maxSessions) {
    refusal = "max-sessions";
  } else if (network && sessionsFrom(networkPeer) >= limits_.bounds.maxSessionsPerPeer) {
    refusal = "max-sessions-per-peer";
  }
  if (refusal != nullptr) {
    const std::string who = network ? networkPeer : "pid " + std::to_string(peer.pid);
    log::writef(log::Level::Warn, kComponent, "refused %s: %s reached", who.c_str(), refusal);
    // A network client's hello is at hand: answer it, so the guest's log says why.
    wire::Header hello;
    if (wire::decodeHeader(received, hello) == wire::DecodeStatus::Ok) {
      const std::vector<std::uint8_t> frame = wire::makeFrame(
          wire::Call::Error, hello.requestId,
          wire::encodeErrorReply({static_cast<std::uint32_t>(wire::ProtocolError::LimitReached),
                                  std::string("vgpud is at its ") + refusal + " limit; try again later"}));
      [[maybe_unused]] const ssize_t sent = ::send(fd.get(), frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    return;
  }
  // Replies go out as the client reads them: a client that reads nothing for this long ends its
  // session instead of holding a thread in a blocked write forever.
  const timeval timeout{static_cast<time_t>(limits_.bounds.sendTimeoutMs / 1000),
                        static_cast<suseconds_t>(limits_.bounds.sendTimeoutMs % 1000) * 1000};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  // A TCP or vsock peer has no uid this side can trust: it gets the default level.
  SessionLimits limits = limits_;
  limits.priority = priorities_.resolve(network ? std::nullopt : std::optional<std::uint32_t>(peer.uid));
  if (limits.driver != nullptr) {
    startWorkerProcess(std::move(fd), peer, std::move(networkPeer), limits, std::move(received));
    return;
  }
  SessionFigures* slot = registry_.add();
  if (slot == nullptr) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: %zu sessions are the most vgpud serves at once",
                static_cast<int>(peer.pid), SessionRegistry::kMaxSessions);
    return;
  }
  describeSession(*slot, peer, networkPeer, limits);
  Worker& worker = workers_.emplace_back();
  worker.fd = std::move(fd);
  worker.peer = std::move(networkPeer);
  worker.done = std::make_shared<std::atomic<bool>>(false);
  worker.sessionId = slot->id.load();
  auto session = std::make_unique<Session>(worker.fd.get(), peer, registry_, limits, network ? &tcp_.token : nullptr,
                                           slot, std::move(received));
  worker.thread = std::thread([session = std::move(session), done = worker.done, level = limits.priority]() mutable {
    session->setCpuPriority(applyCpuPriority(level)); // this thread only: nice values are per thread
    session->serve();
    session.reset(); // frees the session's device memory before the thread is reaped
    done->store(true);
  });
}

void Server::startWorkerProcess(FileDescriptor fd, PeerCredentials peer, std::string networkPeer, SessionLimits limits,
                                std::vector<std::uint8_t> received) {
  const bool tcp = !networkPeer.empty();
  SessionFigures* slot = registry_.add();
  if (slot == nullptr) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: %zu sessions are the most vgpud serves at once",
                static_cast<int>(peer.pid), SessionRegistry::kMaxSessions);
    return;
  }
  const std::uint64_t id = slot->id.load();
  describeSession(*slot, peer, networkPeer, limits);
  const pid_t daemon = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {
    runWorkerProcess(fd.get(), peer, tcp, limits, slot, daemon, std::move(received));
  }
  if (child < 0) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: cannot fork a session worker (%s)",
                static_cast<int>(peer.pid), std::system_category().message(errno).c_str());
    registry_.remove(id);
    return;
  }
  Worker& worker = workers_.emplace_back();
  worker.fd = std::move(fd);
  worker.peer = std::move(networkPeer);
  worker.pid = child;
  worker.sessionId = id;
  log::writef(log::Level::Debug, kComponent, "session %llu: worker process %d", static_cast<unsigned long long>(id),
              static_cast<int>(child));
}

void Server::runWorkerProcess(int fd, PeerCredentials peer, bool tcp, SessionLimits limits, SessionFigures* slot,
                              pid_t daemon, std::vector<std::uint8_t> received) {
  // The daemon's death ends its workers, so their guests see the connection end (as with threads).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != daemon) {
    ::_exit(1);
  }
  // The listeners, the signalfd and other sessions' sockets belong to the daemon.
  listener_.reset();
  tcpListener_.reset();
  vsockListener_.reset();
  signals_.reset();
  reserve_.reset();
  pending_.closeAll(); // their sockets belong to the daemon
  admin_.closeAll();
  for (Worker& other : workers_) {
    other.fd.reset();
  }
  sigset_t all;
  sigfillset(&all);
  ::pthread_sigmask(SIG_UNBLOCK, &all, nullptr);
  // Before cuInit, so the driver's own threads inherit the session's nice value.
  const CpuPriority applied = applyCpuPriority(limits.priority);
  // CUDA is initialised here, in the worker, never in the daemon before a fork.
  CudaDriver& driver = *const_cast<CudaDriver*>(limits.driver);
  if (std::string error; !initializeCudaDriver(driver, error)) {
    driver.initError = error;
  }
  {
    Session session(fd, peer, registry_, limits, tcp ? &tcp_.token : nullptr, slot, std::move(received));
    session.setCpuPriority(applied);
    session.serve();
  }
  ::_exit(0); // not exit(): the daemon's destructors (the socket file's unlink) are not ours to run
}

void Server::workerEnded(const Worker& worker, int status) {
  registry_.remove(worker.sessionId);
  if (limits_.guestRegions != nullptr) {
    limits_.guestRegions->releaseSession(worker.sessionId); // a worker that died kept its slices
  }
  if (WIFSIGNALED(status)) {
    log::writef(log::Level::Warn, kComponent,
                "session %llu: worker process %d died of signal %d; the driver freed what it held",
                static_cast<unsigned long long>(worker.sessionId), static_cast<int>(worker.pid), WTERMSIG(status));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    log::writef(log::Level::Warn, kComponent, "session %llu: worker process %d exited with status %d",
                static_cast<unsigned long long>(worker.sessionId), static_cast<int>(worker.pid), WEXITSTATUS(status));
  }
}

void Server::reapFinished() {
  bool trimmed = true;
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->pid > 0) {
      int status = 0;
      if (::waitpid(it->pid, &status, WNOHANG) == it->pid) {
        workerEnded(*it, status);
        it = workers_.erase(it);
      } else {
        watchOrphan(*it);
        ++it;
      }
      continue;
    }
    if (it->done->load()) {
      it->thread.join();
      registry_.remove(it->sessionId);
      it = workers_.erase(it);
      trimmed = false;
    } else {
      ++it;
    }
  }
  if (!trimmed) {
    // A session thread's heap arena keeps what it freed; give it back, or every burst of sessions
    // would leave vgpud at its high-water mark for good.
    ::malloc_trim(0);
  }
}

void Server::watchOrphan(Worker& worker) {
  if (worker.killed) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (worker.clientLeft == std::chrono::steady_clock::time_point{}) {
    // The socket is shared with the worker: a client that closed (or an admin's shutdown) shows here.
    pollfd connection{worker.fd.get(), POLLRDHUP, 0};
    if (::poll(&connection, 1, 0) > 0 && (connection.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
      worker.clientLeft = now;
    }
    return;
  }
  if (now - worker.clientLeft < std::chrono::milliseconds(limits_.bounds.orphanTimeoutMs)) {
    return;
  }
  log::writef(log::Level::Warn, kComponent,
              "session %llu: worker process %d still running %u ms after its client left (held in the driver: a "
              "kernel or stream wait that never ends?); killed, and the driver frees what it held",
              static_cast<unsigned long long>(worker.sessionId), static_cast<int>(worker.pid),
              limits_.bounds.orphanTimeoutMs);
  ::kill(worker.pid, SIGKILL);
  worker.killed = true; // reaped with the next SIGCHLD
}

void Server::drain() {
  for (Worker& worker : workers_) {
    ::shutdown(worker.fd.get(), SHUT_RDWR); // the session's blocking read returns; it frees and ends
  }
  for (Worker& worker : workers_) {
    if (worker.pid > 0) {
      // A worker frees its GPU memory and exits once its socket is shut down; one that hangs in
      // the driver is killed after 10 s (the driver then frees what it held).
      int status = 0;
      for (int waited = 0; ::waitpid(worker.pid, &status, WNOHANG) == 0; ++waited) {
        if (waited == 1000) {
          ::kill(worker.pid, SIGKILL);
          ::waitpid(worker.pid, &status, 0);
          break;
        }
        ::usleep(10000);
      }
      workerEnded(worker, status);
    } else {
      worker.thread.join();
      registry_.remove(worker.sessionId);
    }
  }
  workers_.clear();
}

int Server::run() {
  std::vector<pollfd> fds;
  std::vector<AuthenticatedConnection> authenticated;
  while (true) {
    // Invalid descriptors (-1) are ignored by poll. The pending connections follow the four fixed entries.
    fds.assign({{signals_.get(), POLLIN, 0},
                {listener_.get(), POLLIN, 0},
                {tcpListener_.get(), POLLIN, 0},
                {vsockListener_.get(), POLLIN, 0}});
    pending_.appendPollFds(fds);
    const std::size_t adminFds = fds.size();
    admin_.appendPollFds(fds);
    // Wakes at least once a second to join the threads of ended sessions even when nobody connects
    // (and to take the management socket's per-second rates), and at the next hello deadline or
    // subscriber's sample.
    int deadline = 1000;
    for (const int due : {pending_.nextDeadlineMs(PendingConnections::Clock::now()),
                          admin_.nextDeadlineMs(AdminServer::Clock::now())}) {
      deadline = due < 0 ? deadline : std::min(deadline, due);
    }
    if (::poll(fds.data(), fds.size(), deadline) < 0) {
      if (errno == EINTR) {
        continue;
      }
      error_ = std::string("poll failed: ") + std::system_category().message(errno);
      return 1;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      if (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info) &&
          info.ssi_signo == SIGCHLD) {
        reapFinished();
      } else if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
        ::sd_notify(0, "STOPPING=1");
        const std::size_t sessions = workers_.size();
        drain();
        log::writef(log::Level::Info, kComponent, "signal %u: stopped, %zu session(s) drained", info.ssi_signo,
                    sessions);
        return 0;
      }
    }
    authenticated.clear();
    pending_.service(fds, 4, PendingConnections::Clock::now(), authenticated);
    for (AuthenticatedConnection& connection : authenticated) {
      startSession(std::move(connection.fd), PeerCredentials{}, std::move(connection.peer),
                   std::move(connection.received));
    }
    if ((fds[1].revents & POLLIN) != 0) {
      acceptClients(listener_.get(), false);
    }
    if (tcpListener_.valid() && (fds[2].revents & POLLIN) != 0) {
      acceptClients(tcpListener_.get(), true);
    }
    if (vsockListener_.valid() && (fds[3].revents & POLLIN) != 0) {
      acceptClients(vsockListener_.get(), true);
    }
    reapFinished();
    admin_.service(fds, adminFds, AdminServer::Clock::now());
  }
}

} // namespace vgpu::daemon
