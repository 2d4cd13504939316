// The control socket's server: one detached thread running a poll loop over the listening socket
// and its clients. Everything is non-blocking and each client's pending output is bounded, so a
// client that does not read is dropped (and counted) instead of ever being waited on; the
// application's own threads never touch the socket. Created once, never destroyed (the process
// may still be sampled while exit-time destructors run); the socket file is unlinked at exit.
#include "vgpu/telemetry/telemetry_server.h"
#include "vgpu/telemetry/control_socket_file.h"

#include "vgpu/log.h"
#include "vgpu/telemetry/access_control.h"
#include "vgpu/telemetry/protocol.h"
#include "vgpu/telemetry/request.h"
#include "vgpu/telemetry/runtime_directory.h"
#include "vgpu/unix_socket.h"

#include "system_error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <string_view>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace vgpu::telemetry {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024; // a longer request line closes the connection
constexpr std::size_t kMaxPendingOutput = 1u << 20;           // a client further behind than this is dropped
constexpr std::size_t kMaxClients = 64;
// Requests one client may make: a sustained rate and a burst. A client past them is not read from
// until its bucket refills, so one peer cannot hold the telemetry thread (a core of the CUDA
// process's machine) busy; the console, vgpuctl and NVML make a few requests a second.
constexpr double kRequestsPerSecond = 100.0;
constexpr double kRequestBurst = 200.0;

struct Client {
  FileDescriptor fd;
  uid_t uid = 0;
  std::string input;
  std::string output;
  bool closing = false; // send what is pending, read nothing more, then close
  bool dead = false;
  std::int64_t intervalMs = 0; // 0: not subscribed
  Clock::time_point nextSample{};
  ProcessSample previous;
  Clock::time_point previousTime{};
  double requestTokens = kRequestBurst;
  Clock::time_point tokensAt = Clock::now();
  Clock::time_point throttledUntil{}; // not read from before then
};

// Refills the client's request bucket; true when one request may be served now (and takes it).
bool takeRequestToken(Client& client, Clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - client.tokensAt).count();
  client.requestTokens = std::min(kRequestBurst, client.requestTokens + elapsed * kRequestsPerSecond);
  client.tokensAt = now;
  if (client.requestTokens < 1.0) {
    client.throttledUntil =
        now + std::chrono::microseconds(
                  static_cast<std::int64_t>((1.0 - client.requestTokens) / kRequestsPerSecond * 1e6) + 1);
    return false;
  }
  client.requestTokens -= 1.0;
  return true;
}

std::string executablePath() {
  char buffer[4096];
  const ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return length > 0 ? std::string(buffer, static_cast<std::size_t>(length)) : std::string();
}

std::uint64_t wallClockMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// The socket path removed at exit; never destroyed, so the atexit handler can always read it.
std::string& socketPathForExit() {
  static std::string* const path = new std::string;
  return *path;
}

// The process that owns the socket: a forked child inherits the atexit handler but not the
// server thread, and must not remove its parent's socket when it exits.
pid_t& socketOwnerPid() {
  static pid_t owner = 0;
  return owner;
}

class Server {
public:
  Server(TelemetrySource& source, FileDescriptor listener, AccessPolicy policy)
      : source_(source), listener_(std::move(listener)), policy_(std::move(policy)) {
    hello_.pid = ::getpid();
    hello_.uid = ::geteuid();
    hello_.executable = executablePath();
    hello_.backend = source.backendKind();
    hello_.endpoint = source.backendEndpoint();
    hello_.executor = source.executor();
    hello_.devices = source.devices();
    startSample_ = source.sample();
    // Latency windows of a client's first sample start from nothing: every call since counting began.
    startSample_.apis.clear();
    startTime_ = Clock::now();
  }

  [[noreturn]] void run() {
    pthread_setname_np(pthread_self(), "vgpu-telemetry"); // how admins tell it apart in top -H
    std::vector<pollfd> fds;
    while (true) {
      fds.clear();
      fds.push_back(pollfd{listener_.get(), POLLIN, 0});
      const Clock::time_point polledAt = Clock::now();
      for (const auto& client : clients_) {
        short events = client->closing || polledAt < client->throttledUntil ? 0 : POLLIN;
        if (!client->output.empty()) {
          events = static_cast<short>(events | POLLOUT);
        }
        fds.push_back(pollfd{client->fd.get(), events, 0});
      }
      const int ready = ::poll(fds.data(), fds.size(), pollTimeoutMs(polledAt));
      if (ready < 0 && errno != EINTR) {
        log::writef(log::Level::Error, "telemetry", "poll failed: %s", systemError(errno).c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      if (ready > 0) {
        // Clients first (fds[i + 1] is clients_[i]); accepting appends to clients_.
        for (std::size_t i = 0; i + 1 < fds.size(); ++i) {
          Client& client = *clients_[i];
          const short revents = fds[i + 1].revents;
          if ((revents & POLLIN) != 0) {
            readFrom(client);
          } else if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
            client.dead = true;
          }
        }
        if ((fds[0].revents & POLLIN) != 0) {
          acceptClients();
        }
      }
      serveThrottled();
      sendDueSamples();
      for (const auto& client : clients_) {
        flush(*client);
      }
      std::erase_if(clients_, [](const std::unique_ptr<Client>& client) { return client->dead; });
    }
  }

private:
  // From the same instant the poll set was built at: a throttled client left out of it (no POLLIN)
  // must bound the wait, even when its time comes while the set is being built. (Reading the clock
  // again here once let such a client fall out of both, and poll wait for nothing, for ever.)
  int pollTimeoutMs(Clock::time_point now) const {
    std::int64_t timeout = -1;
    for (const auto& client : clients_) {
      if (!client->dead && !client->closing && now < client->throttledUntil) {
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(client->throttledUntil - now).count();
        timeout = timeout < 0 ? wait : std::min<std::int64_t>(timeout, wait);
      }
      if (client->intervalMs == 0 || client->dead) {
        continue;
      }
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(client->nextSample - now).count();
      const std::int64_t clamped = wait < 0 ? 0 : static_cast<std::int64_t>(wait);
      timeout = timeout < 0 ? clamped : std::min(timeout, clamped);
    }
    return static_cast<int>(timeout);
  }

  void acceptClients() {
    while (true) {
      FileDescriptor fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd.valid()) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          log::writef(log::Level::Warn, "telemetry", "accept failed: %s", systemError(errno).c_str());
        }
        if (errno == EMFILE || errno == ENFILE) {
          // The pending connection stays readable: pause instead of spinning on it.
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return;
      }
      PeerCredentials peer;
      std::string reason;
      if (!peerCredentials(fd.get(), peer)) {
        reason = "no peer credentials";
      } else if (!peerAllowed(policy_, peer.uid, peer.gid, peer.groups, reason)) {
        // reason filled in
      } else if (clients_.size() >= kMaxClients) {
        reason = "too many clients (" + std::to_string(kMaxClients) + ")";
      }
      if (!reason.empty()) {
        log::writef(log::Level::Warn, "telemetry", "refused pid %d: %s", static_cast<int>(peer.pid), reason.c_str());
        const std::string line = encodeError("refused", reason) + "\n";
        [[maybe_unused]] const ssize_t sent = ::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        continue;
      }
      auto client = std::make_unique<Client>();
      client->fd = std::move(fd);
      client->uid = peer.uid;
      client->previous = startSample_;
      client->previousTime = startTime_;
      log::writef(log::Level::Debug, "telemetry", "client pid %d uid %u connected", static_cast<int>(peer.pid),
                  static_cast<unsigned>(peer.uid));
      clients_.push_back(std::move(client));
    }
  }

  void readFrom(Client& client) {
    char buffer[16384];
    while (!client.closing && !client.dead && Clock::now() >= client.throttledUntil) {
      const ssize_t got = ::recv(client.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
      if (got == 0) {
        client.dead = true;
        return;
      }
      if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          client.dead = true;
        }
        return;
      }
      client.input.append(buffer, static_cast<std::size_t>(got));
      if (!serveLines(client)) {
        return;
      }
    }
  }

  // Serves the complete lines buffered for the client while its request bucket allows; false when
  // it must not be read from now (throttled, closing or too long a line).
  bool serveLines(Client& client) {
    std::size_t start = 0;
    bool more = true;
    for (std::size_t end = client.input.find('\n'); end != std::string::npos && !client.closing;
         end = client.input.find('\n', start)) {
      if (end - start > kMaxLineBytes) {
        tooLong(client);
        return false;
      }
      if (!takeRequestToken(client, Clock::now())) {
        more = false;
        dropIfFlooding(client);
        break;
      }
      handleLine(client, std::string_view(client.input).substr(start, end - start));
      start = end + 1;
    }
    client.input.erase(0, start);
    if (client.input.size() > kMaxLineBytes) {
      tooLong(client);
      return false;
    }
    return more && !client.closing;
  }

  // A throttled client with more than a request line's limit of requests still unread is flooding:
  // no console or script queues that much. It is dropped (and counted) rather than served for
  // minutes at the limited rate.
  void dropIfFlooding(Client& client) {
    int unread = 0;
    if (::ioctl(client.fd.get(), FIONREAD, &unread) != 0) {
      unread = 0;
    }
    if (client.input.size() + static_cast<std::size_t>(unread) <= kMaxLineBytes) {
      return;
    }
    client.dead = true;
    ++dropped_;
    log::writef(log::Level::Warn, "telemetry", "dropped a client (uid %u) flooding requests past the rate limit",
                static_cast<unsigned>(client.uid));
  }

  // Lines left waiting by a client's rate limit are served once its bucket has refilled, even when
  // it sends nothing more.
  void serveThrottled() {
    const Clock::time_point now = Clock::now();
    for (const auto& client : clients_) {
      if (!client->dead && !client->closing && !client->input.empty() &&
          client->throttledUntil != Clock::time_point{} && now >= client->throttledUntil) {
        client->throttledUntil = {};
        serveLines(*client);
      }
    }
  }

  void tooLong(Client& client) {
    queue(client, encodeError("line-too-long", "request lines are limited to 65536 bytes; closing the connection"));
    client.input.clear();
    client.closing = true;
  }

  void handleLine(Client& client, std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const ParsedRequest request = parseRequest(line);
    if (!request.ok) {
      queue(client, encodeError(request.errorCode, request.errorMessage));
      return;
    }
    switch (request.command) {
    case Command::Hello:
      hello_.logLevel = std::string(logLevelName(currentLogLevel()));
      queue(client, encodeHello(hello_));
      break;
    case Command::Snapshot: queueSample(client, true); break;
    case Command::Subscribe:
      queue(client, encodeAck("subscribe", request.intervalMs));
      client.intervalMs = request.intervalMs;
      client.nextSample = Clock::now(); // the first sample at once
      break;
    case Command::ResetPeaks:
      source_.resetPeaks();
      queue(client, encodeAck("reset-peaks"));
      break;
    case Command::SetLogLevel: setLogLevel(client, request); break;
    }
  }

  // Logged at info on whichever side of the change has info enabled, so the change shows in the
  // log when it turns logging on as well as when it turns it down.
  void setLogLevel(Client& client, const ParsedRequest& request) {
    const std::string before(logLevelName(currentLogLevel()));
    const auto note = [&] {
      log::writef(log::Level::Info, "telemetry", "log level %s -> %.*s (set by a client, uid %u)", before.c_str(),
                  static_cast<int>(request.levelName.size()), request.levelName.data(),
                  static_cast<unsigned>(client.uid));
    };
    const bool notedBefore = log::enabled(log::Level::Info);
    if (notedBefore) {
      note();
    }
    log::setLevel(request.level);
    if (!notedBefore) {
      note();
    }
    queue(client, encodeLevelAck(request.levelName));
  }

  // A snapshot's latency covers every call since counting began (its window baseline is empty).
  void queueSample(Client& client, bool sinceStart = false) {
    const ProcessSample now = source_.sample();
    const Clock::time_point time = Clock::now();
    SampleContext context;
    context.sequence = ++sequence_;
    context.timeMs = wallClockMs();
    context.seconds = std::chrono::duration<double>(time - client.previousTime).count();
    context.droppedClients = dropped_;
    if (sinceStart) {
      client.previous.apis.clear();
    }
    queue(client, encodeSample(now, client.previous, context));
    client.previous = now;
    client.previousTime = time;
  }

  void sendDueSamples() {
    const Clock::time_point now = Clock::now();
    for (const auto& client : clients_) {
      if (client->intervalMs == 0 || client->dead || client->closing || now < client->nextSample) {
        continue;
      }
      queueSample(*client);
      client->nextSample += std::chrono::milliseconds(client->intervalMs);
      if (client->nextSample <= now) { // fell behind (a slow sample): no burst to catch up
        client->nextSample = now + std::chrono::milliseconds(client->intervalMs);
      }
    }
  }

  // Appends one reply line; a client whose pending output would pass the bound is dropped.
  void queue(Client& client, const std::string& line) {
    if (client.dead) {
      return;
    }
    if (client.output.size() + line.size() + 1 > kMaxPendingOutput) {
      client.dead = true;
      ++dropped_;
      log::writef(log::Level::Warn, "telemetry", "dropped a client (uid %u) that does not read: %zu bytes pending",
                  static_cast<unsigned>(client.uid), client.output.size());
      return;
    }
    client.output += line;
    client.output += '\n';
  }

  void flush(Client& client) {
    while (!client.dead && !client.output.empty()) {
      const ssize_t sent =
          ::send(client.fd.get(), client.output.data(), client.output.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          client.dead = true;
        }
        if (errno != EINTR) {
          return;
        }
        continue;
      }
      client.output.erase(0, static_cast<std::size_t>(sent));
    }
    if (client.closing && client.output.empty()) {
      client.dead = true;
    }
  }

  TelemetrySource& source_;
  FileDescriptor listener_;
  AccessPolicy policy_;
  HelloInfo hello_;
  ProcessSample startSample_;
  Clock::time_point startTime_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::uint64_t sequence_ = 0;
  std::uint64_t dropped_ = 0;
};

bool start(TelemetrySource& source) {
  if (!telemetryRequested()) {
    log::write(log::Level::Info, "telemetry", "VGPU_TELEMETRY=off: no control socket");
    return false;
  }
  const RuntimeDirectories chosen =
      runtimeDirectories(RuntimeDirectoryInputs::fromEnvironment(), RuntimeDirectoryUse::Serve);
  if (chosen.directories.empty()) {
    log::writef(log::Level::Warn, "telemetry", "no runtime directory for the control socket: %s", chosen.why.c_str());
    return false;
  }
  const std::string& directory = chosen.directories.front();
  const std::string path = directory + "/" + std::to_string(::getpid()) + ".sock";
  AccessPolicy policy = accessPolicyFromEnvironment();
  std::string warning;
  SocketResult listening = listenControlSocket(directory, std::to_string(::getpid()) + ".sock", policy.group, warning);
  if (!listening.fd.valid()) {
    log::writef(log::Level::Warn, "telemetry", "%s", listening.message.c_str());
    return false;
  }
  if (!warning.empty()) {
    log::writef(log::Level::Warn, "telemetry", "%s (group '%s')", warning.c_str(), policy.groupName.c_str());
  }
  const int flags = ::fcntl(listening.fd.get(), F_GETFL);
  ::fcntl(listening.fd.get(), F_SETFL, flags | O_NONBLOCK);

  socketPathForExit() = path;
  socketOwnerPid() = ::getpid();
  (void)std::atexit([] {
    if (::getpid() == socketOwnerPid()) {
      ::unlink(socketPathForExit().c_str());
    }
  });

  // Never destroyed: the thread runs until the process ends.
  auto* server = new Server(source, std::move(listening.fd), std::move(policy));
  // The thread blocks every signal, so the application's handlers keep running on its own threads.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  std::thread([server] { server->run(); }).detach();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  log::writef(log::Level::Info, "telemetry", "control socket %s", path.c_str());
  return true;
}

} // namespace

bool telemetryRequested() {
  const char* setting = std::getenv("VGPU_TELEMETRY"); // NOLINT(concurrency-mt-unsafe): read once per caller
  return setting == nullptr || (std::string_view(setting) != "off" && std::string_view(setting) != "0");
}

log::Level currentLogLevel() {
  static constexpr log::Level kMostVerboseFirst[] = {log::Level::Debug, log::Level::Info, log::Level::Warn,
                                                     log::Level::Error};
  for (const log::Level level : kMostVerboseFirst) {
    if (log::enabled(level)) {
      return level;
    }
  }
  return log::Level::Off;
}

bool startServer(TelemetrySource& source) {
  static std::once_flag once;
  static bool running = false;
  std::call_once(once, [&] { running = start(source); });
  return running;
}

} // namespace vgpu::telemetry
