// The management socket's listeners, connections, requests and actions (admin_server.h).
#include "admin_server.h"

#include "pending_connections.h"
#include "tcp_transport.h"

#include "vgpu/log.h"
#include "vgpu/telemetry/control_socket_file.h"
#include "vgpu/telemetry/json_writer.h"

#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";
constexpr std::int64_t kMinIntervalMs = 100;
constexpr std::int64_t kMaxIntervalMs = 10000;
// A network peer must authenticate within this, or its connection slot is given back.
constexpr auto kHelloTimeout = std::chrono::seconds(5);

std::string okLine(std::string_view command, std::uint64_t session, std::string_view key = {},
                   std::string_view text = {}, std::optional<std::uint64_t> number = std::nullopt) {
  telemetry::JsonWriter json;
  json.beginObject().key("type").value("ok").key("cmd").value(command);
  if (session != 0) {
    json.key("session").value(session);
  }
  if (!key.empty()) {
    json.key(key);
    if (number) {
      json.value(*number);
    } else {
      json.value(text);
    }
  }
  json.endObject();
  return json.text();
}

std::string errorLine(std::string_view command, std::string_view code, std::string_view message) {
  telemetry::JsonWriter json;
  json.beginObject().key("type").value("error");
  if (!command.empty()) {
    json.key("cmd").value(command);
  }
  json.key("error").value(code).key("message").value(message).endObject();
  return json.text();
}

std::string sizeText(std::uint64_t bytes) {
  return bytes == 0 ? std::string("none") : std::to_string(bytes) + " bytes";
}

} // namespace

AdminServer::AdminServer(AdminSettings settings, SessionRegistry& registry, AdminActions& actions)
    : settings_(std::move(settings)), registry_(registry), actions_(actions), samples_(settings_.backend) {
  policy_.ownerUid = ::geteuid();
  policy_.groupName = settings_.group;
  if (const group* entry = ::getgrnam(settings_.group.c_str()); entry != nullptr) {
    policy_.group = entry->gr_gid;
  }
}

bool AdminServer::start(std::string& error) {
  if (!settings_.socketPath.empty()) {
    const auto slash = settings_.socketPath.rfind('/');
    const std::string directory = slash == 0 ? std::string("/") : settings_.socketPath.substr(0, slash);
    std::string warning;
    SocketResult listening =
        telemetry::listenControlSocket(directory, settings_.socketPath.substr(slash + 1), policy_.group, warning);
    if (!listening.fd.valid()) {
      error = "admin socket " + settings_.socketPath + ": " + listening.message;
      return false;
    }
    if (!warning.empty()) {
      log::writef(log::Level::Warn, kComponent, "admin socket: %s", warning.c_str());
    }
    unixListener_ = std::move(listening.fd);
    log::writef(log::Level::Info, kComponent, "management socket on unix:%s (root, uid %u%s%s)",
                settings_.socketPath.c_str(), policy_.ownerUid, policy_.group ? " and group " : "",
                policy_.group ? settings_.group.c_str() : "");
  }
  if (!settings_.tcpHost.empty()) {
    if (settings_.token.empty()) {
      error = "admin-listen tcp: needs admin-token-file";
      return false;
    }
    SocketResult tcp = listenTcp(settings_.tcpHost, settings_.tcpPort);
    if (!tcp.fd.valid()) {
      error = "admin " + tcp.message;
      return false;
    }
    tcpListener_ = std::move(tcp.fd);
    log::writef(log::Level::Info, kComponent, "management socket on tcp:%s:%s (admin token required)",
                settings_.tcpHost.c_str(), settings_.tcpPort.c_str());
  }
  if (!settings_.nvmlPath.empty()) {
    std::string why;
    nvml_ = HostNvml::open(settings_.nvmlPath, why);
    if (nvml_ == nullptr) {
      log::writef(log::Level::Warn, kComponent,
                  "management socket: no NVML (%s); GPUs are listed from the sessions, without utilization, "
                  "temperature, power or clocks",
                  why.c_str());
    } else {
      nvml_->start();
    }
  }
  for (const FileDescriptor* listener : {&unixListener_, &tcpListener_}) {
    if (listener->valid()) {
      ::fcntl(listener->get(), F_SETFL, ::fcntl(listener->get(), F_GETFL) | O_NONBLOCK);
    }
  }
  return true;
}

void AdminServer::removeSocketFile() {
  if (unixListener_.valid()) {
    ::unlink(settings_.socketPath.c_str());
  }
}

void AdminServer::closeAll() {
  unixListener_.reset();
  tcpListener_.reset();
  connections_.clear();
}

void AdminServer::appendPollFds(std::vector<pollfd>& fds) const {
  fds.push_back({unixListener_.get(), POLLIN, 0});
  fds.push_back({tcpListener_.get(), POLLIN, 0});
  for (const Connection& connection : connections_) {
    const short events = static_cast<short>((connection.output.size() < kMaxQueuedBytes ? POLLIN : 0) |
                                            (connection.output.empty() ? 0 : POLLOUT));
    fds.push_back({connection.fd.get(), events, 0});
  }
}

int AdminServer::nextDeadlineMs(Clock::time_point now) const {
  int soonest = -1;
  for (const Connection& connection : connections_) {
    if (connection.intervalMs > 0 || !connection.authenticated) {
      const Clock::time_point due = connection.authenticated ? connection.nextSample : connection.helloDeadline;
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
      const int ms = static_cast<int>(std::max<std::int64_t>(0, wait));
      soonest = soonest < 0 ? ms : std::min(soonest, ms);
    }
  }
  return soonest;
}

void AdminServer::service(const std::vector<pollfd>& fds, std::size_t first, Clock::time_point now) {
  samples_.tick(registry_, now);
  // The connections polled are those that existed when fds was built: walk them in the same order.
  std::size_t index = first + 2;
  for (auto it = connections_.begin(); it != connections_.end() && index < fds.size(); ++index) {
    Connection& connection = *it;
    if (fds[index].fd != connection.fd.get()) {
      break; // appended after the poll set was built
    }
    const short revents = fds[index].revents;
    if ((revents & POLLIN) != 0) {
      readFrom(connection, now);
    } else if ((revents & (POLLHUP | POLLERR)) != 0) {
      connection.closing = true;
      connection.output.clear();
    }
    ++it;
  }
  for (Connection& connection : connections_) {
    if (!connection.authenticated && now >= connection.helloDeadline) {
      log::writef(log::Level::Warn, kComponent, "management socket: %s sent no hello in time; closed",
                  connection.who.c_str());
      connection.closing = true;
      connection.output.clear();
    }
    if (connection.intervalMs > 0 && now >= connection.nextSample && !connection.closing) {
      sendSample(connection);
      connection.nextSample = now + std::chrono::milliseconds(connection.intervalMs);
    }
    writeTo(connection);
    if (!connection.closing && connection.output.empty()) {
      handleLines(connection, now); // lines held back while replies waited
      writeTo(connection);
    }
  }
  connections_.remove_if([](const Connection& connection) { return connection.closing && connection.output.empty(); });
  if ((fds[first].revents & POLLIN) != 0) {
    accept(unixListener_.get(), false);
  }
  if ((fds[first + 1].revents & POLLIN) != 0) {
    accept(tcpListener_.get(), true);
  }
}

void AdminServer::accept(int listener, bool network) {
  for (int accepted = 0; accepted < 16; ++accepted) {
    FileDescriptor fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) {
      return;
    }
    Connection connection;
    connection.network = network;
    if (network) {
      const int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      connection.who = remotePeerName(fd.get());
    } else {
      PeerCredentials peer;
      std::string reason;
      if (!peerCredentials(fd.get(), peer)) {
        continue;
      }
      connection.who = "uid " + std::to_string(peer.uid) + " pid " + std::to_string(peer.pid) + " (unix)";
      if (!telemetry::peerAllowed(policy_, peer.uid, peer.gid, reason)) {
        log::writef(log::Level::Warn, kComponent, "management socket: refused %s: %s", connection.who.c_str(),
                    reason.c_str());
        const std::string line =
            errorLine({}, "refused",
                      "only root, uid " + std::to_string(policy_.ownerUid) + " and members of group " +
                          settings_.group + " may use vgpud's management socket") +
            "\n";
        [[maybe_unused]] const ssize_t sent = ::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        continue;
      }
      connection.authenticated = true;
    }
    if (connections_.size() >= kMaxConnections) {
      log::writef(log::Level::Warn, kComponent, "management socket: refused %s: %zu connections are the most",
                  connection.who.c_str(), kMaxConnections);
      const std::string line = errorLine({}, "refused", "too many management connections; try again later") + "\n";
      [[maybe_unused]] const ssize_t sent = ::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;
    }
    connection.fd = std::move(fd);
    connection.helloDeadline = Clock::now() + kHelloTimeout;
    connections_.push_back(std::move(connection));
  }
}

void AdminServer::readFrom(Connection& connection, Clock::time_point now) {
  char buffer[16384];
  // No more is read while replies wait: a client that sends without reading stops being read.
  while (!connection.closing && connection.output.size() < kMaxQueuedBytes) {
    const ssize_t got = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      connection.closing = true;
      connection.output.clear();
      return;
    }
    if (got < 0) {
      return;
    }
    connection.input.append(buffer, static_cast<std::size_t>(got));
    handleLines(connection, now);
    if (connection.input.size() > kMaxLineBytes) {
      queue(connection, errorLine({}, "line-too-long", "a request line is at most 65536 bytes"), false);
      connection.closing = true;
      return;
    }
  }
}

void AdminServer::handleLines(Connection& connection, Clock::time_point now) {
  std::size_t start = 0;
  for (std::size_t end; !connection.closing && connection.output.size() < kMaxQueuedBytes &&
                        (end = connection.input.find('\n', start)) != std::string::npos;
       start = end + 1) {
    handleLine(connection, std::string_view(connection.input).substr(start, end - start), now);
  }
  connection.input.erase(0, start);
}

void AdminServer::handleLine(Connection& connection, std::string_view line, Clock::time_point now) {
  const telemetry::JsonParseResult parsed = telemetry::parseJson(line);
  if (!parsed.value) {
    queue(connection, errorLine({}, "malformed-json", parsed.error), false);
    connection.closing = connection.network && !connection.authenticated;
    return;
  }
  const telemetry::JsonValue& request = *parsed.value;
  if (request.kind() != telemetry::JsonValue::Kind::Object) {
    queue(connection, errorLine({}, "not-an-object", "a request is one JSON object per line"), false);
    connection.closing = connection.network && !connection.authenticated;
    return;
  }
  const std::optional<std::string_view> command = request.stringAt("cmd");
  if (!command) {
    queue(connection, errorLine({}, "missing-cmd", "a request names its \"cmd\""), false);
    connection.closing = connection.network && !connection.authenticated;
    return;
  }
  if (!connection.authenticated) {
    // TCP: the first line is a hello with the admin token; anything else ends the connection.
    const std::optional<std::string_view> token = request.stringAt("token");
    if (*command != "hello" || !token || !tokensEqual(settings_.token, *token)) {
      log::writef(log::Level::Warn, kComponent, "management socket: refused %s: no hello with the admin token",
                  connection.who.c_str());
      queue(connection, errorLine(*command, "refused", "send {\"cmd\":\"hello\",\"token\":...} with the admin token"),
            false);
      connection.closing = true;
      return;
    }
    connection.authenticated = true;
  }
  if (*command == "hello") {
    queue(connection, samples_.hello(connection.network ? "tcp" : "unix", std::nullopt), false);
    return;
  }
  if (*command == "snapshot") {
    sendSample(connection);
    return;
  }
  if (*command == "subscribe") {
    const std::optional<std::int64_t> interval = request.intAt("interval_ms");
    if (!interval || *interval < kMinIntervalMs || *interval > kMaxIntervalMs) {
      queue(connection, errorLine(*command, "bad-request", "interval_ms is an integer from 100 to 10000"), false);
      return;
    }
    connection.intervalMs = *interval;
    queue(connection, okLine(*command, 0, "interval_ms", {}, static_cast<std::uint64_t>(*interval)), false);
    sendSample(connection);
    connection.nextSample = now + std::chrono::milliseconds(*interval);
    return;
  }
  if (*command == "unsubscribe") {
    connection.intervalMs = 0;
    queue(connection, okLine(*command, 0), false);
    return;
  }
  if (*command == "set-quota" || *command == "set-priority" || *command == "drain" || *command == "kill") {
    const std::optional<std::uint64_t> session = request.unsignedAt("session");
    if (!session || *session == 0) {
      queue(connection, errorLine(*command, "bad-request", "\"session\" is a session id (a positive integer)"), false);
      return;
    }
    queue(connection, act(connection, *command, *session, request), false);
    return;
  }
  queue(connection,
        errorLine(*command, "unknown-cmd",
                  "unknown cmd '" + std::string(*command) +
                      "' (hello, snapshot, subscribe, unsubscribe, set-quota, set-priority, drain, kill)"),
        false);
}

std::string AdminServer::act(Connection& connection, std::string_view command, std::uint64_t session,
                             const telemetry::JsonValue& request) {
  SessionFigures* slot = registry_.find(session);
  if (slot == nullptr || !slot->ready.load()) {
    return errorLine(command, "no-such-session", "no session " + std::to_string(session) + " on this vgpud");
  }
  // A killed session stays listed until its end is reaped, but there is nothing left to act on: a
  // second kill (or a quota for it) finds no session, whether or not the daemon has reaped it yet.
  if (slot->state.load() == static_cast<std::uint8_t>(SessionState::Ending)) {
    return errorLine(command, "no-such-session",
                     "session " + std::to_string(session) + " was killed and is ending on this vgpud");
  }
  const char* who = connection.who.c_str();
  const auto id = static_cast<unsigned long long>(session);
  if (command == "set-quota") {
    const std::optional<std::uint64_t> bytes = request.unsignedAt("vram_quota_bytes");
    if (!bytes) {
      return errorLine(command, "bad-request", "\"vram_quota_bytes\" is a byte count per device (0: none)");
    }
    const std::uint64_t old = slot->vramQuotaBytes.exchange(*bytes);
    log::writef(log::Level::Info, kComponent, "admin %s: session %llu vram quota %s -> %s", who, id,
                sizeText(old).c_str(), sizeText(*bytes).c_str());
    return okLine(command, session, "vram_quota_bytes", {}, *bytes);
  }
  if (command == "set-priority") {
    SessionPriority level = SessionPriority::Normal;
    const std::optional<std::string_view> word = request.stringAt("priority");
    if (!word || !parsePriorityLevel(*word, level)) {
      return errorLine(command, "bad-request", "\"priority\" is " + std::string(priorityWords()));
    }
    const auto old = static_cast<SessionPriority>(slot->priority.exchange(static_cast<std::uint8_t>(level)));
    log::writef(log::Level::Info, kComponent, "admin %s: session %llu priority %.*s -> %.*s", who, id,
                static_cast<int>(priorityName(old).size()), priorityName(old).data(),
                static_cast<int>(priorityName(level).size()), priorityName(level).data());
    return okLine(command, session, "priority", priorityName(level));
  }
  if (command == "drain") {
    slot->state.store(static_cast<std::uint8_t>(SessionState::Draining));
    log::writef(log::Level::Info, kComponent, "admin %s: session %llu drained: new work refused", who, id);
    return okLine(command, session);
  }
  if (!actions_.killSession(session)) {
    return errorLine(command, "no-such-session", "no session " + std::to_string(session) + " on this vgpud");
  }
  slot->state.store(static_cast<std::uint8_t>(SessionState::Ending));
  log::writef(log::Level::Info, kComponent, "admin %s: session %llu killed", who, id);
  return okLine(command, session);
}

void AdminServer::sendSample(Connection& connection) {
  if (nvml_ != nullptr) {
    const std::vector<HostGpuState> host = nvml_->gpus();
    queue(connection, samples_.sample(registry_, connection.dropped, &host), true);
    return;
  }
  queue(connection, samples_.sample(registry_, connection.dropped), true);
}

void AdminServer::queue(Connection& connection, std::string line, bool droppable) {
  // A client that does not read: samples beyond the bound are dropped and counted; replies to its
  // own requests are small and bounded by its request lines.
  if (droppable && connection.output.size() + line.size() + 1 > kMaxQueuedBytes) {
    ++connection.dropped;
    return;
  }
  connection.output += line;
  connection.output += '\n';
}

void AdminServer::writeTo(Connection& connection) {
  while (!connection.output.empty()) {
    const ssize_t sent =
        ::send(connection.fd.get(), connection.output.data(), connection.output.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        connection.closing = true;
        connection.output.clear();
      }
      return;
    }
    connection.output.erase(0, static_cast<std::size_t>(sent));
  }
}

} // namespace vgpu::daemon
