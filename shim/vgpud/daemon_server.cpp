// The vgpud accept loop, session threads and the SIGTERM drain.
#include "daemon_server.h"

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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <system_error>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";
}

Server::Server(std::string socketPath, SessionLimits limits, Tcp tcp)
    : socketPath_(std::move(socketPath)), limits_(limits), tcp_(std::move(tcp)) {}

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
  Worker& worker = workers_.emplace_back();
  worker.fd = std::move(fd);
  worker.done = std::make_shared<std::atomic<bool>>(false);
  auto session = std::make_unique<Session>(worker.fd.get(), peer, registry_, limits_, tcp ? &tcp_.token : nullptr);
  worker.thread = std::thread([session = std::move(session), done = worker.done]() mutable {
    session->serve();
    session.reset(); // frees the session's device memory before the thread is reaped
    done->store(true);
  });
}

void Server::reapFinished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
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
    worker.thread.join();
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
      if (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
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
