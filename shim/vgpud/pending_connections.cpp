// The accept loop's handling of connections that have not authenticated yet.
#include "pending_connections.h"

#include "tcp_transport.h"

#include "vgpu/log.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <arpa/inet.h>
#include <cerrno>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";

// A small reply to an unauthenticated peer: sent now or never (the loop never waits on a peer).
bool sendNow(int fd, const std::vector<std::uint8_t>& frame) {
  const ssize_t sent = ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  return sent == static_cast<ssize_t>(frame.size());
}
} // namespace

std::string remotePeerName(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "unknown";
  }
  char text[INET6_ADDRSTRLEN] = {};
  switch (address.ss_family) {
  case AF_INET:
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr, text, sizeof text);
    return std::string("tcp:") + text;
  case AF_INET6:
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr, text, sizeof text);
    return std::string("tcp:") + text;
  case AF_VSOCK: return "vsock:" + std::to_string(reinterpret_cast<const sockaddr_vm*>(&address)->svm_cid);
  default: return "unknown";
  }
}

bool PendingConnections::admit(FileDescriptor fd, const std::string& peer, Clock::time_point now) {
  if (perPeer_[peer] >= limits_.maxPendingPerPeer) {
    // Debug only: a flood must not flood the log too.
    log::writef(log::Level::Debug, kComponent, "refused %s: %u connections before hello from this peer", peer.c_str(),
                limits_.maxPendingPerPeer);
    return false;
  }
  if (connections_.size() >= limits_.maxPending) {
    // Full: the oldest waiting connection gives way. A flood from many addresses then cannot keep
    // a real tenant out, whose hello follows its connect at once; it only shortens the flood's wait.
    drop(connections_.begin(), nullptr);
  }
  ++perPeer_[peer];
  connections_.push_back(Connection{std::move(fd), peer, now + std::chrono::milliseconds(limits_.helloTimeoutMs), {}});
  return true;
}

void PendingConnections::appendPollFds(std::vector<pollfd>& fds) const {
  for (const Connection& connection : connections_) {
    fds.push_back(pollfd{connection.fd.get(), POLLIN, 0});
  }
}

void PendingConnections::drop(std::list<Connection>::iterator it, const char* why) {
  if (why != nullptr) {
    log::writef(log::Level::Info, kComponent, "closed an unauthenticated connection from %s: %s", it->peer.c_str(),
                why);
  }
  if (auto count = perPeer_.find(it->peer); count != perPeer_.end() && --count->second == 0) {
    perPeer_.erase(count);
  }
  connections_.erase(it);
}

PendingConnections::Progress PendingConnections::read(Connection& connection) {
  // One byte more than the limit shows a peer that sends too much before hello.
  const std::size_t room = limits_.preAuthBytes + 1 - connection.received.size();
  const std::size_t used = connection.received.size();
  connection.received.resize(used + room);
  ssize_t n = 0;
  do {
    n = ::recv(connection.fd.get(), connection.received.data() + used, room, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  connection.received.resize(used + (n > 0 ? static_cast<std::size_t>(n) : 0));
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
    return Progress::Close;
  }
  return examine(connection);
}

PendingConnections::Progress PendingConnections::examine(Connection& connection) {
  while (true) {
    std::vector<std::uint8_t>& bytes = connection.received;
    wire::Header header;
    const wire::DecodeStatus status = wire::decodeHeader(bytes, header);
    if (status == wire::DecodeStatus::NeedMore) {
      return Progress::Waiting;
    }
    if (status != wire::DecodeStatus::Ok || wire::kHeaderSize + header.payloadLength > limits_.preAuthBytes) {
      return Progress::Close;
    }
    if (bytes.size() < wire::kHeaderSize + header.payloadLength) {
      return bytes.size() > limits_.preAuthBytes ? Progress::Close : Progress::Waiting;
    }
    const std::span<const std::uint8_t> payload(bytes.data() + wire::kHeaderSize, header.payloadLength);
    if (header.call == static_cast<std::uint16_t>(wire::Call::Version) && payload.empty()) {
      const std::vector<std::uint8_t> reply =
          wire::makeFrame(wire::Call::Version, header.requestId,
                          wire::encodeVersionReply({wire::kProtocolVersion, VGPU_VERSION_STRING}));
      if (!sendNow(connection.fd.get(), reply)) {
        return Progress::Close;
      }
      bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(wire::kHeaderSize));
      continue;
    }
    if (header.call != static_cast<std::uint16_t>(wire::Call::Hello)) {
      log::writef(log::Level::Info, kComponent, "closed a connection from %s: call %u before hello",
                  connection.peer.c_str(), header.call);
      return Progress::Close;
    }
    wire::HelloRequest hello;
    if (!wire::decodeHello(payload, hello)) {
      log::writef(log::Level::Warn, kComponent, "closed a connection from %s: malformed hello",
                  connection.peer.c_str());
      return Progress::Close;
    }
    if (!tokensEqual(token_, hello.token)) {
      log::writef(log::Level::Warn, kComponent, "closed a connection from %s: wrong token", connection.peer.c_str());
      sendNow(connection.fd.get(), wire::makeFrame(wire::Call::Error, header.requestId,
                                                   wire::encodeErrorReply({6, "authentication failed"})));
      return Progress::Close;
    }
    return Progress::Authenticated;
  }
}

void PendingConnections::service(const std::vector<pollfd>& fds, std::size_t first, Clock::time_point now,
                                 std::vector<AuthenticatedConnection>& ready) {
  std::size_t index = first;
  for (auto it = connections_.begin(); it != connections_.end(); ++index) {
    const short revents = index < fds.size() ? fds[index].revents : 0;
    Progress progress = Progress::Waiting;
    if ((revents & POLLIN) != 0) {
      progress = read(*it);
    } else if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
      progress = Progress::Close;
    }
    if (progress == Progress::Authenticated) {
      ready.push_back(AuthenticatedConnection{std::move(it->fd), it->peer, std::move(it->received)});
      auto next = std::next(it);
      drop(it, nullptr);
      it = next;
    } else if (progress == Progress::Close) {
      auto next = std::next(it);
      drop(it, nullptr);
      it = next;
    } else if (now >= it->deadline) {
      auto next = std::next(it);
      drop(it, "no hello within the deadline");
      it = next;
    } else {
      ++it;
    }
  }
}

int PendingConnections::nextDeadlineMs(Clock::time_point now) const {
  int soonest = -1;
  for (const Connection& connection : connections_) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(connection.deadline - now).count();
    const int clamped = wait < 0 ? 0 : static_cast<int>(std::min<std::int64_t>(wait, 1000));
    soonest = soonest < 0 ? clamped : std::min(soonest, clamped);
  }
  return soonest;
}

} // namespace vgpu::daemon
