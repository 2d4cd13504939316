// The vgpud accept loop, session threads and worker processes, and the SIGTERM drain.
#include "daemon_server.h"

#include "cuda_driver.h"
#include "tcp_transport.h"

#include "vgpu/log.h"
#include "vgpu/version.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";
}

Server::Server(std::string socketPath, SessionLimits limits, Tcp tcp, PriorityPolicy priorities)
    : socketPath_(std::move(socketPath)), limits_(limits), tcp_(std::move(tcp)), priorities_(std::move(priorities)) {}

Server::~Server() {
  drain();
  if (listener_.valid()) {
    ::unlink(socketPath_.c_str());
  }
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
  ::sd_notify(0, "READY=1");
  return true;
}

void Server::acceptClient(int listener, bool tcp) {
  FileDescriptor fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) {
    return;
  }
  PeerCredentials peer;
  if (tcp) {
    // TCP or vsock: authenticated by the token in hello; small TCP frames must not wait for Nagle
    // (the option does not apply to vsock and fails there harmlessly).
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  } else {
    if (!peerCredentials(fd.get(), peer)) {
      log::write(log::Level::Warn, kComponent, "refused a client: no peer credentials");
      return;
    }
    // Only root and the daemon's own user may connect (docs/ARCHITECTURE.md, 'Security').
    if (peer.uid != 0 && peer.uid != ::getuid()) {
      log::writef(log::Level::Warn, kComponent, "refused pid %d uid %u: not root and not uid %u",
                  static_cast<int>(peer.pid), peer.uid, ::getuid());
      return;
    }
  }
  reapFinished();
  // A TCP or vsock peer has no uid this side can trust: it gets the default level.
  SessionLimits limits = limits_;
  limits.priority = priorities_.resolve(tcp ? std::nullopt : std::optional<std::uint32_t>(peer.uid));
  if (limits.driver != nullptr) {
    startWorkerProcess(std::move(fd), peer, tcp, limits);
    return;
  }
  Worker& worker = workers_.emplace_back();
  worker.fd = std::move(fd);
  worker.done = std::make_shared<std::atomic<bool>>(false);
  auto session = std::make_unique<Session>(worker.fd.get(), peer, registry_, limits, tcp ? &tcp_.token : nullptr);
  worker.thread = std::thread([session = std::move(session), done = worker.done, level = limits.priority]() mutable {
    session->setCpuPriority(applyCpuPriority(level)); // this thread only: nice values are per thread
    session->serve();
    session.reset(); // frees the session's device memory before the thread is reaped
    done->store(true);
  });
}

void Server::startWorkerProcess(FileDescriptor fd, PeerCredentials peer, bool tcp, SessionLimits limits) {
  SessionFigures* slot = registry_.add();
  if (slot == nullptr) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: %zu sessions are the most vgpud serves at once",
                static_cast<int>(peer.pid), SessionRegistry::kMaxSessions);
    return;
  }
  const std::uint64_t id = slot->id.load();
  const pid_t daemon = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {
    runWorkerProcess(fd.get(), peer, tcp, limits, slot, daemon);
  }
  if (child < 0) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: cannot fork a session worker (%s)",
                static_cast<int>(peer.pid), std::system_category().message(errno).c_str());
    registry_.remove(id);
    return;
  }
  Worker& worker = workers_.emplace_back();
  worker.fd = std::move(fd);
  worker.pid = child;
  worker.sessionId = id;
  log::writef(log::Level::Debug, kComponent, "session %llu: worker process %d", static_cast<unsigned long long>(id),
              static_cast<int>(child));
}

void Server::runWorkerProcess(int fd, PeerCredentials peer, bool tcp, SessionLimits limits, SessionFigures* slot,
                              pid_t daemon) {
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
    Session session(fd, peer, registry_, limits, tcp ? &tcp_.token : nullptr, slot);
    session.setCpuPriority(applied);
    session.serve();
  }
  ::_exit(0); // not exit(): the daemon's destructors (the socket file's unlink) are not ours to run
}

void Server::workerEnded(const Worker& worker, int status) {
  registry_.remove(worker.sessionId);
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
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->pid > 0) {
      int status = 0;
      if (::waitpid(it->pid, &status, WNOHANG) == it->pid) {
        workerEnded(*it, status);
        it = workers_.erase(it);
      } else {
        ++it;
      }
      continue;
    }
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
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
    }
  }
  workers_.clear();
}

int Server::run() {
  while (true) {
    // Invalid descriptors (-1) are ignored by poll.
    pollfd fds[4] = {{signals_.get(), POLLIN, 0},
                     {listener_.get(), POLLIN, 0},
                     {tcpListener_.get(), POLLIN, 0},
                     {vsockListener_.get(), POLLIN, 0}};
    // Wakes once a second to join the threads of ended sessions even when nobody connects.
    if (::poll(fds, 4, 1000) < 0) {
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
    if ((fds[1].revents & POLLIN) != 0) {
      acceptClient(listener_.get(), false);
    }
    if (tcpListener_.valid() && (fds[2].revents & POLLIN) != 0) {
      acceptClient(tcpListener_.get(), true);
    }
    if (vsockListener_.valid() && (fds[3].revents & POLLIN) != 0) {
      acceptClient(vsockListener_.get(), true);
    }
    reapFinished();
  }
}

} // namespace vgpu::daemon
