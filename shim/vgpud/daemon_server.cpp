// The vgpud event loop and the requests it answers today (version).
#include "daemon_server.h"

#include "vgpu/log.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";
}

Server::Server(std::string socketPath) : socketPath_(std::move(socketPath)) {}

Server::~Server() {
  if (listener_.valid()) {
    ::unlink(socketPath_.c_str());
  }
}

bool Server::start() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) {
    error_ = std::string("cannot block signals: ") + std::strerror(errno);
    return false;
  }
  signals_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_.valid()) {
    error_ = std::string("cannot create a signalfd: ") + std::strerror(errno);
    return false;
  }
  SocketResult listening = listenUnix(socketPath_);
  if (!listening.fd.valid()) {
    error_ = listening.message;
    return false;
  }
  listener_ = std::move(listening.fd);
  log::writef(log::Level::Info, kComponent, "listening on unix:%s", socketPath_.c_str());
  ::sd_notify(0, "READY=1");
  return true;
}

void Server::acceptClient() {
  FileDescriptor fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) {
    return;
  }
  Client client;
  if (!peerCredentials(fd.get(), client.peer)) {
    log::write(log::Level::Warn, kComponent, "refused a client: no peer credentials");
    return;
  }
  // Only root and the daemon's own user may connect until sessions and quotas bring their own
  // access policy (docs/ARCHITECTURE.md, 'Security').
  if (client.peer.uid != 0 && client.peer.uid != ::getuid()) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d uid %u: not root and not uid %u",
                static_cast<int>(client.peer.pid), client.peer.uid, ::getuid());
    return;
  }
  const int key = fd.get();
  client.fd = std::move(fd);
  log::writef(log::Level::Debug, kComponent, "client pid %d uid %u connected", static_cast<int>(client.peer.pid),
              client.peer.uid);
  clients_.emplace(key, std::move(client));
}

bool Server::handleFrame(Client& client, std::uint16_t call, std::uint64_t requestId,
                         const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> reply;
  if (call == static_cast<std::uint16_t>(wire::Call::Version) && payload.empty()) {
    reply = wire::makeFrame(wire::Call::Version, requestId,
                            wire::encodeVersionReply({wire::kProtocolVersion, VGPU_VERSION_STRING}));
  } else {
    wire::ErrorReply error{1, "unknown call " + std::to_string(call)};
    reply = wire::makeFrame(wire::Call::Error, requestId, wire::encodeErrorReply(error));
  }
  return writeAll(client.fd.get(), reply);
}

bool Server::serviceClient(Client& client) {
  std::uint8_t buffer[64 * 1024];
  const ssize_t n = ::recv(client.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    return false;
  }
  if (n < 0) {
    return true;
  }
  client.input.insert(client.input.end(), buffer, buffer + n);
  while (true) {
    wire::Header header;
    const wire::DecodeStatus status = wire::decodeHeader(client.input, header);
    if (status == wire::DecodeStatus::NeedMore) {
      return true;
    }
    if (status != wire::DecodeStatus::Ok) {
      const auto reason = wire::describe(status);
      log::writef(log::Level::Warn, kComponent, "closing pid %d: %.*s", static_cast<int>(client.peer.pid),
                  static_cast<int>(reason.size()), reason.data());
      return false;
    }
    const size_t total = wire::kHeaderSize + header.payloadLength;
    if (client.input.size() < total) {
      return true;
    }
    std::vector<std::uint8_t> payload(client.input.begin() + wire::kHeaderSize,
                                      client.input.begin() + static_cast<std::ptrdiff_t>(total));
    client.input.erase(client.input.begin(), client.input.begin() + static_cast<std::ptrdiff_t>(total));
    if (!handleFrame(client, header.call, header.requestId, payload)) {
      return false;
    }
  }
}

int Server::run() {
  while (true) {
    std::vector<pollfd> fds;
    fds.push_back({signals_.get(), POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    for (const auto& [fd, client] : clients_) {
      fds.push_back({fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      error_ = std::string("poll failed: ") + std::strerror(errno);
      return 1;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      if (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        log::writef(log::Level::Info, kComponent, "signal %u: stopping, %zu client(s) disconnected", info.ssi_signo,
                    clients_.size());
        ::sd_notify(0, "STOPPING=1");
        clients_.clear();
        return 0;
      }
    }
    if ((fds[1].revents & POLLIN) != 0) {
      acceptClient();
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      auto it = clients_.find(fds[i].fd);
      if (it != clients_.end() && !serviceClient(it->second)) {
        clients_.erase(it);
      }
    }
  }
}

} // namespace vgpu::daemon
